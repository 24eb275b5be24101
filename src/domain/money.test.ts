import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  MAX_MINOR,
  addMinor,
  currencyExponent,
  formatMinor,
  fromWhatsAppAmount,
  isCurrency,
  isMinorAmount,
  mulMinor,
  parseDecimal,
  toWhatsAppAmount,
} from './money.ts';

const EXCLUDED = ['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX'];
const CURRENCIES = ['JPY', 'KWD', 'BHD', 'INR', 'USD', 'CLF'];

describe('currencyExponent / isCurrency', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['INR', 2],
    ['USD', 2],
    ['EUR', 2],
    ['CLF', 4],
    // Real X-prefixed currencies must survive the exclusion list.
    ['XAF', 0],
    ['XOF', 0],
    ['XPF', 0],
    ['XCD', 2],
  ])('%s has exponent %i', (code, exp) => {
    expect(currencyExponent(code)).toBe(exp);
    expect(isCurrency(code)).toBe(true);
  });

  it.each([...EXCLUDED, 'usd', 'Usd', 'jpy', 'US', 'USDD', '', ' USD', 'USD ', 'ABC', '123'])('%j is not a currency', (code) => {
    expect(currencyExponent(code)).toBeUndefined();
    expect(isCurrency(code)).toBe(false);
  });
});

describe('isMinorAmount', () => {
  it.each([
    [1, undefined, true],
    [0, undefined, false],
    [0, { allowZero: true }, true],
    [MAX_MINOR, undefined, true],
    [MAX_MINOR + 1, undefined, false],
    [-1, { allowZero: true }, false],
    [1.5, undefined, false],
    [Number.NaN, undefined, false],
    [Infinity, undefined, false],
    ['1', undefined, false],
    [null, undefined, false],
    [10n, undefined, false],
  ] as const)('%s (%j) → %s', (n, opts, expected) => {
    expect(isMinorAmount(n, opts)).toBe(expected);
  });
});

describe('toWhatsAppAmount', () => {
  it.each([
    [28500, 'INR', 100],
    [500, 'JPY', 1],
    [1234, 'KWD', 1000],
    [1, 'CLF', 10000],
    [0, 'USD', 100],
  ])('%i %s → offset %i', (minor, currency, offset) => {
    expect(toWhatsAppAmount(minor, currency)).toEqual({ value: minor, offset });
  });

  it.each([
    [1, 'XXX'],
    [1, 'usd'],
    [1.5, 'USD'],
    [-1, 'USD'],
    [MAX_MINOR + 1, 'USD'],
  ])('throws for %j %s', (m, c) => {
    expect(() => toWhatsAppAmount(m, c)).toThrow();
  });
});

describe('fromWhatsAppAmount', () => {
  it.each([
    [{ value: 28500, offset: 100 }, 'INR', 28500],
    [{ value: 28500000, offset: 100000 }, 'INR', 28500],
    [{ value: 285, offset: 1 }, 'INR', 28500],
    [{ value: 2855, offset: 10 }, 'INR', 28550],
    [{ value: 500, offset: 1 }, 'JPY', 500],
    [{ value: 50000, offset: 100 }, 'JPY', 500],
    [{ value: 1234, offset: 1000 }, 'KWD', 1234],
    [{ value: 1, offset: 1 }, 'CLF', 10000],
    [{ value: 0, offset: 100 }, 'USD', 0],
    [{ value: MAX_MINOR, offset: 100 }, 'USD', MAX_MINOR],
  ])('%j %s → %i', (a, currency, expected) => {
    expect(fromWhatsAppAmount(a, currency)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['unknown currency', { value: 1, offset: 100 }, 'XXX'],
    ['lowercase currency', { value: 1, offset: 100 }, 'usd'],
    ['inexact rescale', { value: 28501, offset: 1000 }, 'INR'],
    ['inexact JPY', { value: 150, offset: 100 }, 'JPY'],
    ['offset 0', { value: 1, offset: 0 }, 'USD'],
    ['offset not power of 10', { value: 1, offset: 20 }, 'USD'],
    ['offset 1000.5', { value: 1, offset: 1000.5 }, 'USD'],
    ['negative offset', { value: 1, offset: -100 }, 'USD'],
    ['offset beyond safe range', { value: 1, offset: 1e30 }, 'USD'],
    ['negative value', { value: -1, offset: 100 }, 'USD'],
    ['fractional value', { value: 1.5, offset: 100 }, 'USD'],
    ['overflow after upscaling', { value: MAX_MINOR, offset: 1 }, 'USD'],
    ['value above MAX_MINOR', { value: MAX_MINOR + 1, offset: 100 }, 'USD'],
  ])('refuses %s', (_name, a, currency) => {
    const r = fromWhatsAppAmount(a, currency);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('validation_error');
  });
});

describe('parseDecimal', () => {
  it.each([
    ['285', 'INR', 28500],
    ['285.5', 'INR', 28550],
    ['285.00', 'INR', 28500],
    ['0.01', 'INR', 1],
    ['1.230', 'INR', 123],
    ['1.2300000', 'INR', 123],
    ['0', 'INR', 0],
    ['007.50', 'USD', 750],
    ['500', 'JPY', 500],
    ['1.0', 'JPY', 1],
    ['1.234', 'KWD', 1234],
    ['0.001', 'BHD', 1],
    ['1.2345', 'CLF', 12345],
    ['0.0001', 'CLF', 1],
    ['90071992547409.91', 'USD', MAX_MINOR],
    ['9007199254740991', 'JPY', MAX_MINOR],
  ])('%j %s → %i', (s, currency, expected) => {
    expect(parseDecimal(s, currency)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'INR'],
    ['-1', 'INR'],
    ['+1', 'INR'],
    ['1e3', 'INR'],
    ['1E3', 'INR'],
    [' 1', 'INR'],
    ['1 ', 'INR'],
    ['1 000', 'INR'],
    ['1,000', 'INR'],
    ['1,5', 'INR'],
    ['.5', 'INR'],
    ['1.', 'INR'],
    ['1.2.3', 'INR'],
    ['1.235', 'INR'],
    ['1.001', 'INR'],
    ['1.5', 'JPY'],
    ['1.2345', 'KWD'],
    ['0x10', 'INR'],
    ['Infinity', 'INR'],
    ['NaN', 'INR'],
    ['١٢', 'INR'],
    ['1\n', 'INR'],
    ['90071992547409.92', 'USD'],
    ['9007199254740992', 'JPY'],
    ['9'.repeat(65), 'JPY'],
    ['1', 'XXX'],
    ['1', 'XAU'],
    ['1', 'usd'],
    ['1', ''],
  ])('refuses %j %s', (s, currency) => {
    const r = parseDecimal(s, currency);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('validation_error');
  });
});

describe('formatMinor', () => {
  it.each([
    [28500, 'INR', '285.00'],
    [1, 'INR', '0.01'],
    [0, 'INR', '0.00'],
    [500, 'JPY', '500'],
    [0, 'JPY', '0'],
    [1234, 'KWD', '1.234'],
    [5, 'BHD', '0.005'],
    [12345, 'CLF', '1.2345'],
    [MAX_MINOR, 'USD', '90071992547409.91'],
    [-150, 'USD', '-1.50'],
  ])('%i %s → %s', (minor, currency, expected) => {
    expect(formatMinor(minor, currency)).toBe(expected);
  });

  it.each([
    [1, 'XXX'],
    [1, 'usd'],
    [1.5, 'USD'],
    [MAX_MINOR + 1, 'USD'],
  ])('throws for %j %s', (m, c) => {
    expect(() => formatMinor(m, c)).toThrow();
  });
});

describe('addMinor / mulMinor', () => {
  it.each([
    [1, 2, 3],
    [0, 0, 0],
    [MAX_MINOR - 1, 1, MAX_MINOR],
  ])('addMinor(%i, %i) → %i', (a, b, sum) => {
    expect(addMinor(a, b)).toEqual({ ok: true, value: sum });
  });

  it.each([
    [MAX_MINOR, 1],
    [-1, 1],
    [1.5, 1],
    [MAX_MINOR + 1, 0],
  ])('addMinor(%j, %j) refused', (a, b) => {
    expect(addMinor(a, b).ok).toBe(false);
  });

  it.each([
    [250, 4, 1000],
    [0, 10, 0],
    [7, 0, 0],
    [MAX_MINOR, 1, MAX_MINOR],
    [3, 3002399751580330, 9007199254740990],
  ])('mulMinor(%i, %i) → %i', (a, q, product) => {
    expect(mulMinor(a, q)).toEqual({ ok: true, value: product });
  });

  it.each([
    [MAX_MINOR, 2],
    [3002399751580331, 3],
    [-1, 2],
    [2, -1],
    [2, 1.5],
  ])('mulMinor(%j, %j) refused', (a, q) => {
    expect(mulMinor(a, q).ok).toBe(false);
  });
});

describe('round trips', () => {
  const minor = fc.oneof(fc.integer({ min: 0, max: MAX_MINOR }), fc.integer({ min: 0, max: 100_000 }));
  const currency = fc.constantFrom(...CURRENCIES);

  it('parseDecimal(formatMinor(x)) === x', () => {
    fc.assert(
      fc.property(minor, currency, (x, c) => {
        expect(parseDecimal(formatMinor(x, c), c)).toEqual({ ok: true, value: x });
      }),
    );
  });

  it('fromWhatsAppAmount(toWhatsAppAmount(x)) === x', () => {
    fc.assert(
      fc.property(minor, currency, (x, c) => {
        expect(fromWhatsAppAmount(toWhatsAppAmount(x, c), c)).toEqual({ ok: true, value: x });
      }),
    );
  });
});
