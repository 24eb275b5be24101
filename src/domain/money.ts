// Money is an integer count of minor units plus an ISO 4217 code. Every conversion to or
// from decimal text or WhatsApp's {value, offset} pair goes through strings and BigInt:
// binary floats cannot represent most decimal fractions, and a rounding error on a
// price is a wrong charge.
import cc from 'currency-codes';
import { domainError } from './errors.ts';
import { err, ok, type Result } from './result.ts';

// currency-codes flattens ISO's "N.A." minor unit to 0, which would make gold, SDRs and
// the test code look like zero-decimal currencies. Nobody pays for an order in these.
const NON_CURRENCY_CODES: ReadonlySet<string> = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

// Built once at load so lookups are cheap and the table cannot drift during a process.
const EXPONENTS: ReadonlyMap<string, number> = new Map(
  cc.codes().flatMap((code): [string, number][] => {
    const digits = cc.code(code)?.digits;
    if (digits === undefined || NON_CURRENCY_CODES.has(code)) return [];
    return [[code, digits]];
  }),
);

export const MAX_MINOR = Number.MAX_SAFE_INTEGER;
const MAX_MINOR_BIG = BigInt(MAX_MINOR);

// Codes are case-sensitive on purpose: storing "usd" next to "USD" would split reports.
const CODE_SHAPE = /^[A-Z]{3}$/;
// Plain digits with an optional fraction: no sign, exponent, spaces or grouping, so the
// text means exactly one number in every locale.
const DECIMAL_SHAPE = /^([0-9]+)(?:\.([0-9]+))?$/;
// Bounds BigInt work on hostile input; a valid amount needs far fewer characters.
const MAX_DECIMAL_LENGTH = 64;

const invalid = (message: string, details?: unknown) => err(domainError('validation_error', message, details));

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function bounded(n: bigint): Result<number> {
  if (n < 0n) return invalid('amount must not be negative');
  if (n > MAX_MINOR_BIG) return invalid(`amount exceeds the maximum of ${MAX_MINOR} minor units`);
  return ok(Number(n));
}

export function currencyExponent(code: string): number | undefined {
  return typeof code === 'string' && CODE_SHAPE.test(code) ? EXPONENTS.get(code) : undefined;
}

export function isCurrency(code: string): boolean {
  return currencyExponent(code) !== undefined;
}

// Zero is refused by default because prices and payments must be positive; callers that
// accept zero (tax, discount, shipping) opt in.
export function isMinorAmount(n: unknown, opts: { allowZero?: boolean } = {}): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n <= MAX_MINOR && (opts.allowZero === true ? n >= 0 : n > 0);
}

// Non-Result helpers throw: an unknown currency or fractional amount reaching them means
// validation was skipped upstream, which is a bug rather than bad input.
export function requireExponent(currency: string): number {
  const exp = currencyExponent(currency);
  if (exp === undefined) throw new TypeError(`unknown currency: ${String(currency)}`);
  return exp;
}

export function toWhatsAppAmount(minor: number, currency: string): { value: number; offset: number } {
  const exp = requireExponent(currency);
  if (!isMinorAmount(minor, { allowZero: true })) throw new RangeError(`not a minor amount: ${String(minor)}`);
  return { value: minor, offset: 10 ** exp };
}

// WhatsApp may send an offset finer than the currency's exponent (e.g. value 28500000
// offset 100000 for INR); it is accepted only when it rescales without losing a digit.
export function fromWhatsAppAmount(a: { value: number; offset: number }, currency: string): Result<number> {
  const exp = currencyExponent(currency);
  if (exp === undefined) return invalid(`unknown currency: ${String(currency)}`, { currency });
  if (typeof a !== 'object' || a === null) return invalid('amount must be an object with value and offset');
  if (!isMinorAmount(a.value, { allowZero: true })) {
    return invalid('amount value must be a non-negative safe integer', { value: a.value });
  }
  // String check instead of Math.log10, which is inexact for some powers of ten.
  if (!Number.isSafeInteger(a.offset) || !/^10*$/.test(String(a.offset))) {
    return invalid('amount offset must be a power of 10 (1, 10, 100, ...)', { offset: a.offset });
  }
  const value = BigInt(a.value);
  const offset = BigInt(a.offset);
  const target = pow10(exp);
  if (offset <= target) return bounded(value * (target / offset));
  const factor = offset / target;
  if (value % factor !== 0n) {
    return invalid(`amount has more precision than ${currency} allows`, { value: a.value, offset: a.offset });
  }
  return bounded(value / factor);
}

export function parseDecimal(s: string, currency: string): Result<number> {
  const exp = currencyExponent(currency);
  if (exp === undefined) return invalid(`unknown currency: ${String(currency)}`, { currency });
  if (typeof s !== 'string' || s.length > MAX_DECIMAL_LENGTH) return invalid('amount is not a decimal string');
  const m = DECIMAL_SHAPE.exec(s);
  if (m === null) return invalid('amount must be plain digits with an optional "." fraction', { value: s });
  const whole = m[1] ?? '';
  let frac = m[2] ?? '';
  if (frac.length > exp) {
    // Trailing zeros beyond the exponent ("1.230" INR) are exact; any other digit is a
    // sub-minor-unit amount we would have to round, so refuse it.
    if (/[^0]/.test(frac.slice(exp))) {
      return invalid(`${currency} allows at most ${exp} decimal places`, { value: s, currency });
    }
    frac = frac.slice(0, exp);
  }
  return bounded(BigInt(whole + frac.padEnd(exp, '0')));
}

// Negative values are formatted with a leading "-" so displays of adjustments never
// throw; parseDecimal still refuses them as input.
export function formatMinor(minor: number, currency: string): string {
  const exp = requireExponent(currency);
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a minor amount: ${String(minor)}`);
  const big = BigInt(minor);
  const digits = (big < 0n ? -big : big).toString().padStart(exp + 1, '0');
  const body = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return big < 0n ? `-${body}` : body;
}

export function addMinor(a: number, b: number): Result<number> {
  if (!isMinorAmount(a, { allowZero: true }) || !isMinorAmount(b, { allowZero: true })) {
    return invalid('amounts must be non-negative safe integers', { a, b });
  }
  return bounded(BigInt(a) + BigInt(b));
}

export function mulMinor(a: number, qty: number): Result<number> {
  if (!isMinorAmount(a, { allowZero: true }) || !isMinorAmount(qty, { allowZero: true })) {
    return invalid('amount and quantity must be non-negative safe integers', { a, qty });
  }
  return bounded(BigInt(a) * BigInt(qty));
}
