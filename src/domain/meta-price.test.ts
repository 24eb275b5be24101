import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMetaPrice } from './meta-price.ts';
import { formatMoney } from './display.ts';

const amount = (raw: string, currency?: string) => {
  const r = parseMetaPrice(raw, currency);
  return r.ok ? r.value.amount : `refused: ${r.error.message}`;
};

describe('parseMetaPrice', () => {
  it.each([
    ['₹1,234.00', 'INR', 123_400],
    ['₹1,00,000.00', 'INR', 10_000_000],
    ['₹12,34,567.50', 'INR', 123_456_750],
    ['₹249.00', 'INR', 24_900],
    ['₹249', 'INR', 24_900],
    ['1234.00 INR', 'INR', 123_400],
    ['INR 1,234.5', 'INR', 123_450],
    ['Rs. 99.99', 'INR', 9_999],
    ['$19.99', 'USD', 1_999],
    ['US$1,000,000.01', 'USD', 100_000_001],
    ['¥1,200', 'JPY', 1_200],
    ['¥1,200.00', 'JPY', 1_200],
    ['KWD 1.250', 'KWD', 1_250],
    ['\u00a0₹\u00a01,234.00\u00a0', 'INR', 123_400],
    ['0.10 USD', 'USD', 10],
  ])('%s %s → %d minor units', (raw, currency, minor) => {
    expect(amount(raw, currency)).toBe(minor);
  });

  it('takes the code written in the string when Meta sent no currency field', () => {
    expect(parseMetaPrice('1234.00 INR')).toEqual({ ok: true, value: { amount: 123_400, currency: 'INR' } });
    expect(amount('₹1,234.00')).toMatch(/unknown currency/);
  });

  it.each([
    ['12,50 €', 'EUR', /unreadable digits/],
    ['1.234,56 €', 'EUR', /unreadable/],
    ['1,2345.00', 'INR', /unreadable digits/],
    ['₹1,234.005', 'INR', /at most 2 decimal/],
    ['$1.5', 'JPY', /at most 0 decimal/],
    ['-₹10.00', 'INR', /negative/],
    ['1234.00 USD', 'INR', /written in USD/],
    ['free', 'INR', /no digits/],
    ['1 234.00', 'INR', /unreadable digits/],
    ['99999999999999999.00', 'INR', /./],
  ])('refuses %s (%s) instead of guessing', (raw, currency, why) => {
    expect(amount(raw, currency)).toMatch(why);
  });

  it('refuses what is not a string', () => {
    expect(parseMetaPrice(1234, 'INR').ok).toBe(false);
    expect(parseMetaPrice(undefined, 'INR').ok).toBe(false);
  });

  it('reads back exactly what en-IN / en-US formatting of any amount writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e13 }),
        fc.constantFrom(['INR', 'en-IN'], ['USD', 'en-US'], ['JPY', 'en-US'], ['KWD', 'en-US']),
        (minor, [c, locale]) => {
          const shown = formatMoney(minor, c!, locale!);
          expect(amount(shown, c)).toBe(minor);
        },
      ),
    );
  });
});
