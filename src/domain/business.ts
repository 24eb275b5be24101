// The business settings' values, checked: an IANA time zone, a BCP 47 locale this runtime
// can format with, an ISO 4217 currency. Pure; the merchants module stores them.
import { isTimeZone } from './booking/availability.ts';
import { isCurrency } from './money.ts';
import { err, ok, type FieldError, type Result } from './result.ts';

export { isTimeZone };

/**
 * An IANA zone name as people write one: `UTC`, or `Area/Location` (`Asia/Kolkata`,
 * `America/Argentina/Buenos_Aires`, `Etc/GMT+5`), known to this runtime. Abbreviations that
 * Intl also takes (`IST`, `EST`) are refused: they are ambiguous (IST is India, Israel or Ireland).
 */
export function isIanaZone(zone: string): boolean {
  return (zone === 'UTC' || /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(zone)) && isTimeZone(zone);
}

export const DEFAULT_TIME_ZONE = 'UTC';
export const DEFAULT_LOCALE = 'en';

/**
 * The canonical form of a BCP 47 tag (`en-in` → `en-IN`), or undefined when it is not a
 * well-formed tag or names a language Intl has no data for (`xx`, `klingon`): money and
 * dates written in it would silently fall back to another language.
 */
export function canonicalLocale(tag: string): string | undefined {
  if (!tag || tag.length > 35) return undefined;
  try {
    const [c] = Intl.getCanonicalLocales(tag);
    if (!c || Intl.NumberFormat.supportedLocalesOf([c]).length === 0) return undefined;
    return c;
  } catch {
    return undefined;
  }
}

export interface BusinessSettingsPatch {
  name?: string | undefined;
  time_zone?: string | undefined;
  locale?: string | undefined;
  currency?: string | undefined;
}

export type BusinessCheck = Result<BusinessSettingsPatch, FieldError<keyof BusinessSettingsPatch>>;

/** Checks a patch and returns it with the locale canonicalized. */
export function checkBusinessSettings(p: BusinessSettingsPatch): BusinessCheck {
  const out: BusinessSettingsPatch = { ...p };
  if (p.name !== undefined && p.name.trim().length === 0) return err({ path: 'name', message: 'name: must not be blank' });
  if (p.name !== undefined) out.name = p.name.trim();
  if (p.time_zone !== undefined && !isIanaZone(p.time_zone))
    return err({ path: 'time_zone', message: `time_zone: "${p.time_zone}" is not an IANA time zone such as Asia/Kolkata or Europe/Lisbon` });
  if (p.locale !== undefined) {
    const c = canonicalLocale(p.locale);
    if (!c) return err({ path: 'locale', message: `locale: "${p.locale}" is not a BCP 47 locale we can format in, such as en-IN or pt-BR` });
    out.locale = c;
  }
  if (p.currency !== undefined && !isCurrency(p.currency))
    return err({ path: 'currency', message: `currency: "${p.currency}" is not an ISO 4217 currency code such as INR or BRL` });
  return ok(out);
}
