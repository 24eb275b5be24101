// Calendar days in a time zone, as the instants that bound them: what a daily report groups
// by. Computed here (luxon, the same tz data that validated the zone) rather than with the
// database's AT TIME ZONE, so PGlite and PostgreSQL, whatever tz data each ships, group alike.
import { DateTime } from 'luxon';
import { err, ok, type FieldError, type Result } from '../result.ts';

export const MAX_REPORT_DAYS = 366;

export interface ReportDay {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** The day's first instant (inclusive) and the next day's (exclusive). */
  start: Date;
  end: Date;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(s: string): boolean {
  return DATE.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
}

/** Today's date in the zone. */
export function todayIn(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}

export function addDays(date: string, n: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

/** Days from `from` to `to`, both included, in `zone`; or why not. */
export function reportDays(zone: string, from: string, to: string): Result<ReportDay[], FieldError<'from' | 'to'>> {
  if (!isCalendarDate(from)) return err({ path: 'from', message: `from: "${from}" is not a date such as 2026-03-01` });
  if (!isCalendarDate(to)) return err({ path: 'to', message: `to: "${to}" is not a date such as 2026-03-31` });
  const a = DateTime.fromISO(from, { zone });
  const b = DateTime.fromISO(to, { zone });
  const span = Math.round(b.diff(a, 'days').days) + 1;
  if (span < 1) return err({ path: 'to', message: 'to: must be on or after from' });
  if (span > MAX_REPORT_DAYS) return err({ path: 'to', message: `to: a report covers at most ${MAX_REPORT_DAYS} days (from ${from} to ${to} is ${span})` });
  const days: ReportDay[] = [];
  for (let i = 0; i < span; i++) {
    const start = a.plus({ days: i }).startOf('day');
    days.push({ date: start.toISODate()!, start: start.toJSDate(), end: start.plus({ days: 1 }).startOf('day').toJSDate() });
  }
  return ok(days);
}

/** The days a report covers when from or to (or both) are left out: 30, ending today in `zone`. */
export const DEFAULT_REPORT_DAYS = 30;

/**
 * A report's range as the API takes it (`from`, `to`, both optional, days in `zone`): the
 * missing end filled in (DEFAULT_REPORT_DAYS, ending today or starting at `from`), then checked.
 */
export function resolveReportRange(
  zone: string,
  range: { from?: string | undefined; to?: string | undefined },
  now: Date,
): Result<{ from: string; to: string; days: ReportDay[] }, FieldError<'from' | 'to'>> {
  const to = range.to ?? (range.from ? addDays(range.from, DEFAULT_REPORT_DAYS - 1) : todayIn(zone, now));
  const from = range.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  const r = reportDays(zone, from, to);
  return r.ok ? ok({ from, to, days: r.value }) : r;
}
