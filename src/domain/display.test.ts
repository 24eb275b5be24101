import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, formatMoney } from './display.ts';

// Intl separates currency and number with narrow no-break spaces in some locales; compare
// with plain spaces so the tables read as people see them.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/\u200f/g, '');

describe('formatMoney: Intl currency style, fraction digits pinned to ISO 4217', () => {
  it.each([
    [224700, 'INR', 'en-IN', '₹2,247.00'],
    [12345678, 'INR', 'en-IN', '₹1,23,456.78'],
    [123456, 'BRL', 'pt-BR', 'R$ 1.234,56'],
    [1234, 'JPY', 'ja-JP', '￥1,234'],
    [1234, 'JPY', 'en-US', '¥1,234'],
    [1234, 'KWD', 'en-KW', 'KWD 1.234'],
    [123456, 'PKR', 'en-PK', 'Rs 1,234.56'], // Intl's default would show "Rs 1,235"
    [1234567, 'IQD', 'en', 'IQD 1,234.567'], // ISO: 3 decimals; Intl's default: 0
    [123456, 'IDR', 'id-ID', 'Rp 1.234,56'],
    [12345678, 'HUF', 'hu-HU', '123 456,78 Ft'],
    [123456, 'COP', 'es-CO', '$ 1.234,56'],
    [5, 'USD', 'en-US', '$0.05'],
    [-5000, 'USD', 'en-US', '-$50.00'],
  ])('%i %s in %s is %s', (minor, currency, locale, shown) => {
    expect(plain(formatMoney(minor, currency, locale))).toBe(shown);
  });

  it('formats the largest amount exactly (a decimal string, never a float)', () => {
    expect(plain(formatMoney(Number.MAX_SAFE_INTEGER, 'USD', 'en-US'))).toBe('$90,071,992,547,409.91');
  });

  it('refuses a currency it does not know', () => {
    expect(() => formatMoney(100, 'ZZZ', 'en')).toThrow();
  });
});

describe('times in the business time zone', () => {
  const at = new Date('2026-12-08T01:39:00Z');
  it.each([
    ['en-IN', 'Asia/Kolkata', '8 Dec, 7:09 am IST'],
    ['en-US', 'America/New_York', 'Dec 7, 8:39 PM EST'],
    ['pt-BR', 'America/Sao_Paulo', '7 de dez., 22:39 BRT'],
    ['en-GB', 'UTC', '8 Dec, 01:39 UTC'],
  ])('%s %s', (locale, timeZone, shown) => {
    expect(plain(formatDateTime(at, { locale, timeZone }))).toBe(shown);
  });

  it('a day is the business day, not the UTC one', () => {
    expect(formatDay(new Date('2026-12-07T20:00:00Z'), { locale: 'en-IN', timeZone: 'Asia/Kolkata' })).toBe('Tue, 8 Dec');
  });
});
