// What people read: money as the business writes it, and times in the business's time zone.
// Every page, message and document a customer or a merchant reads formats through here.
//
// Money: Intl's currency style with the fraction digits pinned to the ISO 4217 exponent.
// Intl's own defaults differ from ISO for PKR, IDR, HUF, COP, IQD and others ({style:
// "currency"} alone shows 1,234.56 PKR as "Rs 1,235"); a bill must show what is charged.
// The amount goes to Intl as an exact decimal string (formatMinor), never as a float.
import { DateTime } from 'luxon';
import { formatMinor, requireExponent } from './money.ts';

/** How a business writes: a BCP 47 locale and an IANA time zone. */
export interface Presentation {
  locale: string;
  timeZone: string;
}

export const DEFAULT_PRESENTATION: Presentation = { locale: 'en', timeZone: 'UTC' };

const numberFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = numberFormats.get(key);
  if (!f) {
    const e = requireExponent(currency);
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: e, maximumFractionDigits: e });
    numberFormats.set(key, f);
  }
  return f;
}

/** `₹2,247.00` for 224700 INR in en-IN; `R$ 1.234,56` for 123456 BRL in pt-BR. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  // Intl formats a decimal string exactly (Intl.NumberFormat v3); the cast is for older lib types.
  return moneyFormat(locale, currency).format(formatMinor(minor, currency) as unknown as number);
}

/** "8 Dec, 7:09 am IST": a moment as the business's customers read it. */
export function formatDateTime(at: Date, p: Presentation): string {
  return DateTime.fromJSDate(at, { zone: p.timeZone })
    .setLocale(p.locale)
    .toLocaleString({ day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
}

/** "Tue, 8 Dec": a day in the business's time zone. */
export function formatDay(at: Date, p: Presentation): string {
  return DateTime.fromJSDate(at, { zone: p.timeZone }).setLocale(p.locale).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' });
}
