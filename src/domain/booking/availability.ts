// Bookable slots, pure: a service's weekly opening hours are wall-clock times in the
// merchant's IANA time zone; a slot is a wall-clock start on a local date, turned into
// an instant with the zone's rules for that date (luxon), so a DST change moves the
// instants and never the times a customer reads. Around a DST change:
//   - a start that does not exist that day (the hour skipped in spring) is not offered;
//   - a start that exists twice (the hour repeated in autumn) is offered once, at the
//     instant luxon resolves it to;
//   - a slot lasts duration_minutes of real time and must end by the closing instant.
// A slot is free when no live booking (held or confirmed) overlaps it and it starts at
// least `leadMinutes` from now.
import { DateTime } from 'luxon';
import { err, ok, type Result } from '../result.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], …}: local opening intervals per weekday. */
export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;

export interface SlotRules {
  duration_minutes: number;
  slot_minutes: number;
  weekly_hours: WeeklyHours;
}

export interface Interval {
  starts_at: Date;
  ends_at: Date;
}

export interface Slot extends Interval {
  /** The slot's id in the flow: its start as an ISO instant (UTC). */
  id: string;
  /** The local start, "HH:mm". */
  time: string;
}

export interface AvailabilityInput {
  rules: SlotRules;
  zone: string;
  now: Date;
  /** Live bookings of the service (held or confirmed) that may overlap the period asked about. */
  busy: readonly Interval[];
  leadMinutes: number;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Zones found valid, remembered: checked on every read of a merchant's business settings, and
// an Intl.DateTimeFormat is costly to build. Bounded (Intl also takes every spelling in any
// letter case), past which a zone is checked each time as before.
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 1000;

export function isTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    if (!DateTime.now().setZone(zone).isValid) return false;
  } catch {
    return false;
  }
  if (validZones.size < MAX_REMEMBERED_ZONES) validZones.add(zone);
  return true;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Checks weekly hours: known weekdays, "HH:mm" pairs (24:00 closes at midnight), each opening before it closes, no overlaps. */
export function checkWeeklyHours(h: Record<string, unknown>): Result<WeeklyHours, string> {
  const out: WeeklyHours = {};
  for (const [day, v] of Object.entries(h)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) return err(`weekly_hours.${day}: use mon, tue, wed, thu, fri, sat or sun`);
    if (!Array.isArray(v) || v.length > 12) return err(`weekly_hours.${day}: a list of at most 12 ["HH:mm", "HH:mm"] pairs`);
    const pairs: [string, string][] = [];
    for (const [i, p] of v.entries()) {
      if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'string' && HHMM.test(x))) {
        return err(`weekly_hours.${day}.${i}: a pair of "HH:mm" times, such as ["09:00", "13:00"]`);
      }
      const [a, b] = p as [string, string];
      if (a === '24:00' || minutesOf(a) >= minutesOf(b)) return err(`weekly_hours.${day}.${i}: opens at ${a}, which is not before ${b}`);
      pairs.push([a, b]);
    }
    pairs.sort((x, y) => minutesOf(x[0]) - minutesOf(y[0]));
    for (let i = 1; i < pairs.length; i++) {
      if (minutesOf(pairs[i]![0]) < minutesOf(pairs[i - 1]![1]))
        return err(`weekly_hours.${day}: ${pairs[i - 1]!.join('–')} and ${pairs[i]!.join('–')} overlap`);
    }
    if (pairs.length) out[day as Weekday] = pairs;
  }
  return ok(out);
}

/** The local calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

export function isLocalDate(s: string): boolean {
  return DATE.test(s) && DateTime.fromISO(s).isValid;
}

/** The instant a local wall-clock time has on a date, or null when the zone skips it (DST gap). */
function wallClock(date: DateTime, minutes: number): DateTime | null {
  if (minutes === 24 * 60) return date.plus({ days: 1 }).startOf('day');
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  const t = date.set({ hour, minute, second: 0, millisecond: 0 });
  return t.hour === hour && t.minute === minute ? t : null;
}

/** Every slot the weekly hours give on a local date, free or not. */
export function slotsOfDay(rules: SlotRules, zone: string, date: string): Slot[] {
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  if (!day.isValid) return [];
  const hours = rules.weekly_hours[WEEKDAYS[day.weekday - 1]!] ?? [];
  if (!hours.length) return [];
  // Most days have one UTC offset from midnight to midnight: then a wall-clock minute maps to
  // an instant by arithmetic (luxon per slot is slow for days of 5-minute slots). A day with
  // a transition (or a midnight the zone skips) resolves each time through luxon.
  const next = day.plus({ days: 1 }).startOf('day');
  const uniform = day.hour === 0 && day.minute === 0 && day.offset === next.offset ? day.offset : null;
  const midnightUtc = Date.UTC(day.year, day.month - 1, day.day);
  const instant = (minutes: number): number | null => {
    if (uniform !== null) return midnightUtc + (minutes - uniform) * 60_000;
    return wallClock(day, minutes)?.toMillis() ?? null;
  };
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const out: Slot[] = [];
  const seen = new Set<number>();
  for (const [open, close] of hours) {
    // A closing time the zone skips that day is read forward (01:30 in a 01:00→02:00 gap closes at 02:30).
    const closeAt = instant(minutesOf(close)) ?? day.set({ hour: Math.floor(minutesOf(close) / 60), minute: minutesOf(close) % 60 }).toMillis();
    for (let m = minutesOf(open); m < minutesOf(close); m += rules.slot_minutes) {
      const start = instant(m);
      if (start === null || seen.has(start)) continue;
      const end = start + rules.duration_minutes * 60_000;
      if (end > closeAt) continue;
      seen.add(start);
      out.push({ id: new Date(start).toISOString(), time: hhmm(m), starts_at: new Date(start), ends_at: new Date(end) });
    }
  }
  return out.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
}

const overlaps = (a: Interval, b: Interval) => a.starts_at.getTime() < b.ends_at.getTime() && b.starts_at.getTime() < a.ends_at.getTime();

/** The free slots of a local date: not past the lead time, not overlapping a live booking. */
export function freeSlots(input: AvailabilityInput, date: string): Slot[] {
  const earliest = input.now.getTime() + input.leadMinutes * 60_000;
  return slotsOfDay(input.rules, input.zone, date).filter((s) => s.starts_at.getTime() >= earliest && !input.busy.some((b) => overlaps(s, b)));
}

export interface DatesOffered {
  min_date: string;
  max_date: string;
  /** Dates in [min_date, max_date] with at least one free slot. */
  available: string[];
  /** Dates in [min_date, max_date] with none: the DatePicker's unavailable-dates. */
  unavailable: string[];
}

/** The next `days` local dates from today in the zone, split by whether any slot is free. */
export function datesOffered(input: AvailabilityInput, days: number): DatesOffered {
  const today = DateTime.fromJSDate(input.now, { zone: input.zone }).startOf('day');
  const available: string[] = [];
  const unavailable: string[] = [];
  for (let i = 0; i < days; i++) {
    const d = today.plus({ days: i }).toISODate()!;
    (freeSlots(input, d).length ? available : unavailable).push(d);
  }
  return { min_date: today.toISODate()!, max_date: today.plus({ days: days - 1 }).toISODate()!, available, unavailable };
}

/** The instants a period of local dates covers, for reading the live bookings it may overlap. */
export function periodOf(zone: string, from: string, days: number): Interval {
  const start = DateTime.fromISO(from, { zone }).startOf('day');
  return { starts_at: start.toJSDate(), ends_at: start.plus({ days: days + 1 }).toJSDate() };
}

/** "Mon 30 Mar, 09:00" in the zone. */
export function describeStart(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL, HH:mm');
}

/** "Mon 30 Mar" for a local date. */
export function describeDate(date: string): string {
  return DateTime.fromISO(date).toFormat('ccc d LLL');
}

/** "HH:mm" of an instant in the zone. */
export function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}

/** An instant as ISO 8601 with the zone's offset: "2026-03-30T09:00:00.000+05:30". */
export function localIso(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISO()!;
}
