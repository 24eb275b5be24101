// Money and times as the business writes them (GET /v1/settings/business), as the server
// does in src/domain/display.ts: Intl's currency style pinned to the ISO 4217 exponent
// (shared: src/domain/money.ts), times in the business's time zone.
import { currencyExponent, formatMinor } from '../../src/domain/money.ts';

export interface Presentation {
  locale: string;
  timeZone: string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) cache.set(key, (f = make()));
  return f as T;
}

/** `₹2,247.00` for 224700 INR in en-IN. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const e = currencyExponent(currency);
  if (e === undefined) return `${minor} ${currency}`;
  const f = cached(
    `n|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: e, maximumFractionDigits: e }),
  );
  return f.format(formatMinor(minor, currency) as unknown as number);
}

/** "8 Dec, 7:09 pm": a moment in the business's time zone. */
export function formatDateTime(at: string | Date, p: Presentation): string {
  const f = cached(
    `dt|${p.locale}|${p.timeZone}`,
    () => new Intl.DateTimeFormat(p.locale, { timeZone: p.timeZone, day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }),
  );
  return f.format(new Date(at));
}

/** "7:09 pm". */
export function formatTime(at: string | Date, p: Presentation): string {
  return cached(`t|${p.locale}|${p.timeZone}`, () => new Intl.DateTimeFormat(p.locale, { timeZone: p.timeZone, hour: 'numeric', minute: '2-digit' })).format(
    new Date(at),
  );
}

/** "Tue, 8 Dec" for a YYYY-MM-DD day (already in the business's zone). */
export function formatDay(day: string, locale: string): string {
  return cached(`d|${locale}`, () => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' })).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The business's calendar day of a moment, YYYY-MM-DD. */
export function dayIn(at: Date, timeZone: string): string {
  const parts = cached(
    `iso|${timeZone}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).formatToParts(at);
  const get = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The UTC moment a business day starts (its midnight in `timeZone`), found without a time zone library. */
export function startOfDay(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  // The zone's offset at the guess, then once more at the corrected moment (DST days).
  let at = guess;
  for (let i = 0; i < 2; i++) at = new Date(guess.getTime() - offsetMs(at, timeZone));
  return at;
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = cached(
    `off|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  ).formatToParts(at);
  const n = (t: string) => Number(parts.find((x) => x.type === t)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at.getTime() / 1000) * 1000;
}

/** YYYY-MM-DD plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** "payment_link" → "payment link". */
export const humanize = (s: string): string => s.replace(/[_.-]+/g, ' ');

/** Minor units from what a person typed ("12.50"), or null when it is not an amount of this currency. */
export function parseAmount(text: string, currency: string): number | null {
  const e = currencyExponent(currency) ?? 2;
  const m = /^\s*(\d+)(?:[.,](\d+))?\s*$/.exec(text);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > e) return null;
  return Number(m[1]) * 10 ** e + Number(frac.padEnd(e, '0') || '0');
}
