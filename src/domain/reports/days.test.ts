import { describe, expect, it } from 'vitest';
import { reportDays, todayIn } from './days.ts';

describe('report days', () => {
  it('bounds a day at the zone’s midnight: 20:00 UTC is the next day in India', () => {
    const r = reportDays('Asia/Kolkata', '2026-03-01', '2026-03-02');
    expect(r).toEqual({
      ok: true,
      value: [
        { date: '2026-03-01', start: new Date('2026-02-28T18:30:00Z'), end: new Date('2026-03-01T18:30:00Z') },
        { date: '2026-03-02', start: new Date('2026-03-01T18:30:00Z'), end: new Date('2026-03-02T18:30:00Z') },
      ],
    });
    expect(todayIn('Asia/Kolkata', new Date('2026-03-01T20:00:00Z'))).toBe('2026-03-02');
    expect(todayIn('UTC', new Date('2026-03-01T20:00:00Z'))).toBe('2026-03-01');
  });

  it('has 23- and 25-hour days where the clocks change', () => {
    const r = reportDays('America/New_York', '2026-03-08', '2026-03-08');
    const n = reportDays('America/New_York', '2026-11-01', '2026-11-01');
    if (!r.ok || !n.ok) throw new Error('expected days');
    expect(r.value[0]!.end.getTime() - r.value[0]!.start.getTime()).toBe(23 * 3600_000);
    expect(n.value[0]!.end.getTime() - n.value[0]!.start.getTime()).toBe(25 * 3600_000);
  });

  it('refuses bad dates, a reversed range and more than 366 days', () => {
    expect(reportDays('UTC', '2026-02-30', '2026-03-01')).toMatchObject({ ok: false, error: { path: 'from' } });
    expect(reportDays('UTC', '2026-03-01', '03/05/2026')).toMatchObject({ ok: false, error: { path: 'to' } });
    expect(reportDays('UTC', '2026-03-02', '2026-03-01')).toMatchObject({ ok: false, error: { path: 'to' } });
    expect(reportDays('UTC', '2025-01-01', '2026-01-01')).toMatchObject({ ok: true });
    expect(reportDays('UTC', '2024-01-01', '2024-12-31')).toMatchObject({ ok: true }); // a leap year: 366 days
    expect(reportDays('UTC', '2024-01-01', '2025-01-01')).toMatchObject({ ok: false, error: { path: 'to' } }); // 367
  });
});
