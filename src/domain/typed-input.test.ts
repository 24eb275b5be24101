import { describe, expect, it } from 'vitest';
import { normalizeNumber, parseTypedAmount } from './typed-input.ts';

describe('normalizeNumber', () => {
  it.each([
    ['', ''],
    ['  ', ''],
    ['+91 98765 43210', '919876543210'],
    ['91-98765-43210', '919876543210'],
    ['(91) 98765.43210', '919876543210'],
    ['919876543210', '919876543210'],
    ['call me', null],
    ['+91 98765 4321x', null],
    ['0098765432', null],
    ['12345', null],
    ['1'.repeat(21), null],
    ['"><svg onload=alert(1)>', null],
  ])('%j → %j', (raw, want) => expect(normalizeNumber(raw)).toBe(want));
});

describe('parseTypedAmount', () => {
  it.each([
    ['150', 'INR', 15000],
    ['1,234.50', 'INR', 123450],
    [' 1 234.5 ', 'INR', 123450],
    ['1.230', 'INR', 123],
    ['1500', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
  ])('%j %s → %d', (raw, currency, want) => expect(parseTypedAmount(raw, currency)).toEqual({ ok: true, value: want }));

  it.each([
    ['', 'INR', 'Enter an amount'],
    ['150.005', 'INR', 'at most 2 decimals'],
    ['-150', 'INR', 'Enter the amount as a number'],
    ['1e3', 'INR', 'Enter the amount as a number'],
    ['abc', 'INR', 'Enter the amount as a number'],
    ['15.5', 'JPY', 'e.g. 1500'],
    ['9'.repeat(40), 'INR', 'Enter the amount'],
  ])('%j %s refused: %s', (raw, currency, message) => {
    const r = parseTypedAmount(raw, currency);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });
});
