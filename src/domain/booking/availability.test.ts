import { describe, expect, it } from 'vitest';
import { checkWeeklyHours, datesOffered, describeStart, freeSlots, isTimeZone, localDate, slotsOfDay, type SlotRules } from './availability.ts';

const rules = (over: Partial<SlotRules> = {}): SlotRules => ({ duration_minutes: 60, slot_minutes: 60, weekly_hours: { mon: [['09:00', '12:00']] }, ...over });
const iso = (xs: { starts_at: Date }[]) => xs.map((x) => x.starts_at.toISOString());

describe('slots of a day', () => {
  it('turns weekly hours into slots in the zone', () => {
    // 2026-03-30 is a Monday; Asia/Kolkata is UTC+05:30 all year.
    const s = slotsOfDay(rules(), 'Asia/Kolkata', '2026-03-30');
    expect(s.map((x) => x.time)).toEqual(['09:00', '10:00', '11:00']);
    expect(iso(s)).toEqual(['2026-03-30T03:30:00.000Z', '2026-03-30T04:30:00.000Z', '2026-03-30T05:30:00.000Z']);
    expect(s[0]!.id).toBe('2026-03-30T03:30:00.000Z');
    expect(s[0]!.ends_at.toISOString()).toBe('2026-03-30T04:30:00.000Z');
    expect(slotsOfDay(rules(), 'Asia/Kolkata', '2026-03-31')).toEqual([]); // a Tuesday: closed
  });

  it('steps by slot_minutes and keeps only slots that end by closing time', () => {
    const s = slotsOfDay(
      rules({
        duration_minutes: 45,
        slot_minutes: 30,
        weekly_hours: {
          mon: [
            ['09:00', '10:30'],
            ['14:00', '15:00'],
          ],
        },
      }),
      'UTC',
      '2026-03-30',
    );
    expect(s.map((x) => x.time)).toEqual(['09:00', '09:30', '14:00']);
  });

  it('Europe/London spring forward (2026-03-29): the skipped hour is not offered, the offset moves', () => {
    const r = rules({
      weekly_hours: {
        sun: [
          ['00:00', '04:00'],
          ['09:00', '11:00'],
        ],
      },
    });
    const s = slotsOfDay(r, 'Europe/London', '2026-03-29');
    // 01:00 local does not exist that day (clocks go 01:00 GMT → 02:00 BST).
    expect(s.map((x) => x.time)).toEqual(['00:00', '02:00', '03:00', '09:00', '10:00']);
    expect(iso(s)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
      '2026-03-29T09:00:00.000Z',
    ]);
    // The week before, 09:00 was 09:00Z (GMT).
    expect(iso(slotsOfDay(r, 'Europe/London', '2026-03-22')).slice(-2)).toEqual(['2026-03-22T09:00:00.000Z', '2026-03-22T10:00:00.000Z']);
  });

  it('America/New_York fall back (2026-11-01): the repeated hour is offered once, slots last real time', () => {
    const r = rules({
      weekly_hours: {
        sun: [
          ['00:00', '03:00'],
          ['09:00', '10:00'],
        ],
      },
    });
    const s = slotsOfDay(r, 'America/New_York', '2026-11-01');
    expect(s.map((x) => x.time)).toEqual(['00:00', '01:00', '02:00', '09:00']);
    // 00:00 EDT = 04:00Z; 01:00 resolves once; 02:00 EST = 07:00Z and ends at 03:00 EST = 08:00Z; 09:00 EST = 14:00Z.
    expect(s[0]!.starts_at.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(s[2]!.starts_at.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(s[3]!.starts_at.toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(new Set(iso(s)).size).toBe(4);
    for (const x of s) expect(x.ends_at.getTime() - x.starts_at.getTime()).toBe(3_600_000);
    // The day before, 09:00 was EDT (13:00Z).
    expect(iso(slotsOfDay(rules({ weekly_hours: { sat: [['09:00', '10:00']] } }), 'America/New_York', '2026-10-31'))).toEqual(['2026-10-31T13:00:00.000Z']);
  });

  it('24:00 closes at midnight', () => {
    expect(slotsOfDay(rules({ weekly_hours: { mon: [['22:00', '24:00']] } }), 'UTC', '2026-03-30').map((x) => x.time)).toEqual(['22:00', '23:00']);
  });
});

describe('free slots', () => {
  const base = { rules: rules(), zone: 'Asia/Kolkata', leadMinutes: 60 };
  it('drops past slots (with the lead time) and slots a live booking overlaps', () => {
    const now = new Date('2026-03-30T03:00:00Z'); // 08:30 local
    expect(freeSlots({ ...base, now, busy: [] }, '2026-03-30').map((x) => x.time)).toEqual(['10:00', '11:00']);
    // A 30-minute booking at 11:30 overlaps the 11:00 slot.
    const busy = [{ starts_at: new Date('2026-03-30T06:00:00Z'), ends_at: new Date('2026-03-30T06:30:00Z') }];
    expect(freeSlots({ ...base, now, busy }, '2026-03-30').map((x) => x.time)).toEqual(['10:00']);
    // Touching is not overlapping.
    const touching = [{ starts_at: new Date('2026-03-30T04:30:00Z'), ends_at: new Date('2026-03-30T05:30:00Z') }];
    expect(freeSlots({ ...base, now, busy: touching }, '2026-03-30').map((x) => x.time)).toEqual(['11:00']);
  });

  it('offers the next N local dates with the unavailable ones listed', () => {
    // 2026-03-29 20:00Z is already Monday 30th 01:30 in Kolkata.
    const d = datesOffered({ ...base, now: new Date('2026-03-29T20:00:00Z'), busy: [] }, 14);
    expect(d.min_date).toBe('2026-03-30');
    expect(d.max_date).toBe('2026-04-12');
    expect(d.available).toEqual(['2026-03-30', '2026-04-06']);
    expect(d.unavailable).toHaveLength(12);
    expect(d.unavailable).not.toContain('2026-03-30');
  });
});

describe('checks', () => {
  it('validates time zones by IANA name', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('validates weekly hours', () => {
    expect(
      checkWeeklyHours({
        mon: [
          ['14:00', '18:00'],
          ['09:00', '13:00'],
        ],
      }),
    ).toEqual({
      ok: true,
      value: {
        mon: [
          ['09:00', '13:00'],
          ['14:00', '18:00'],
        ],
      },
    });
    expect(checkWeeklyHours({ funday: [] })).toMatchObject({ ok: false, error: expect.stringContaining('funday') });
    expect(checkWeeklyHours({ mon: [['9:00', '13:00']] })).toMatchObject({ ok: false });
    expect(checkWeeklyHours({ mon: [['13:00', '09:00']] })).toMatchObject({ ok: false, error: expect.stringContaining('not before') });
    expect(
      checkWeeklyHours({
        mon: [
          ['09:00', '13:00'],
          ['12:00', '14:00'],
        ],
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('overlap') });
    expect(checkWeeklyHours({ mon: [['25:00', '26:00']] })).toMatchObject({ ok: false });
  });

  it('formats local dates and starts', () => {
    expect(localDate(new Date('2026-03-29T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-30');
    expect(describeStart(new Date('2026-03-30T03:30:00Z'), 'Asia/Kolkata')).toBe('Mon 30 Mar, 09:00');
  });
});
