// Meta's catalog prices as the Graph API reads them back (GET /{catalog_id}/products,
// `price` and `currency` fields): `price` is a display string, not an amount: the currency
// symbol or code, grouping separators and the decimals, e.g. "₹1,234.00", "$19.99",
// "₹1,00,000.00" (Indian grouping), "¥1,200", "1234.00 INR". `currency` is the ISO 4217
// code. This turns such a string into integer minor units of that currency, exactly, or
// refuses it: a string we cannot read unambiguously (a decimal comma "12,50 €", a
// different currency code, a fraction finer than the currency allows) is never guessed.
import { domainError } from './errors.ts';
import { currencyExponent, parseDecimal } from './money.ts';
import { err, ok, type Result } from './result.ts';

const MAX_LENGTH = 64;
// Western grouping (1,234,567) or Indian (12,34,567): groups of three, or of two before the last three.
const WESTERN = /^\d{1,3}(?:,\d{3})+$/;
const INDIAN = /^\d{1,2}(?:,\d{2})+,\d{3}$/;
const PLAIN = /^\d+$/;
const CODE = /\b([A-Z]{3})\b/g;

const refuse = (why: string, raw: string): Result<never> => err(domainError('validation_error', `price "${raw}": ${why}`, { path: 'price' }));

/**
 * Minor units of `currency` for Meta's price string. `currency` is Meta's `currency` field;
 * when it is missing, an ISO code written in the string is used.
 */
export function parseMetaPrice(raw: unknown, currency?: string | null): Result<{ amount: number; currency: string }> {
  if (typeof raw !== 'string') return refuse('not a string', String(raw));
  if (raw.length > MAX_LENGTH) return refuse('too long', raw.slice(0, MAX_LENGTH));
  const s = raw.replace(/[\u00a0\u202f\u2009]/g, ' ').trim();
  const firstDigit = s.search(/\d/);
  if (firstDigit < 0) return refuse('no digits', raw);
  let lastDigit = s.length - 1;
  while (lastDigit >= 0 && !/\d/.test(s[lastDigit]!)) lastDigit--;
  const prefix = s.slice(0, firstDigit);
  const suffix = s.slice(lastDigit + 1);
  const core = s.slice(firstDigit, lastDigit + 1);
  if (/[-−]/.test(prefix) || /[-−]/.test(suffix)) return refuse('negative prices are not prices', raw);
  if (/\d/.test(prefix + suffix)) return refuse('unreadable', raw);

  const codes = [...`${prefix} ${suffix}`.matchAll(CODE)].map((m) => m[1]!).filter((c) => currencyExponent(c) !== undefined);
  const code = currency ?? codes[0];
  if (!code || currencyExponent(code) === undefined) return refuse(`unknown currency ${code ?? '(none)'}`, raw);
  if (codes.some((c) => c !== code)) return refuse(`written in ${codes.join(', ')}, but the product's currency is ${code}`, raw);

  const dot = core.lastIndexOf('.');
  const whole = dot < 0 ? core : core.slice(0, dot);
  const frac = dot < 0 ? '' : core.slice(dot + 1);
  if (!/^\d*$/.test(frac) || (dot >= 0 && frac === '')) return refuse('unreadable decimals', raw);
  if (!(PLAIN.test(whole) || WESTERN.test(whole) || INDIAN.test(whole))) {
    return refuse('unreadable digits (only "," grouping and a "." decimal point are read)', raw);
  }
  const decimal = whole.replace(/,/g, '') + (frac ? `.${frac}` : '');
  const amount = parseDecimal(decimal, code);
  if (!amount.ok) return refuse(amount.error.message, raw);
  return ok({ amount: amount.value, currency: code });
}
