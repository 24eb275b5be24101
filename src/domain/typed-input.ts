// What a person types on a public page, read strictly: a WhatsApp number and an amount.
import { domainError } from './errors.ts';
import { currencyExponent, parseDecimal } from './money.ts';
import { err, type Result } from './result.ts';

/** A typed number: digits, with spaces, dashes, dots, brackets and a leading + ignored. */
export function normalizeNumber(raw: string): string | null {
  const s = raw.trim();
  if (s === '') return '';
  if (!/^\+?[\d\s().-]{6,30}$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  return /^\d{6,20}$/.test(digits) && !digits.startsWith('0') ? digits : null;
}

/** A typed amount in the currency's exponent: spaces and thousands commas ignored, at most its decimals. */
export function parseTypedAmount(raw: string, currency: string): Result<number> {
  const s = raw.replace(/[\s,\u00a0\u202f]/g, '');
  if (s === '') return err(domainError('validation_error', 'Enter an amount'));
  const r = parseDecimal(s, currency);
  if (r.ok) return r;
  const exp = currencyExponent(currency) ?? 0;
  const example = exp > 0 ? `1500 or 1500.${'5'.padEnd(exp, '0')}` : '1500';
  return err(domainError('validation_error', `Enter the amount as a number${exp > 0 ? ` with at most ${exp} decimals` : ''}, e.g. ${example}`));
}
