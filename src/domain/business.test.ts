import { describe, expect, it } from 'vitest';
import { canonicalLocale, checkBusinessSettings, isIanaZone } from './business.ts';

describe('business settings values', () => {
  it.each([
    ['UTC', true],
    ['Asia/Kolkata', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Etc/GMT+5', true],
    ['Europe/Lisbon', true],
    ['IST', false],
    ['EST', false],
    ['Mars/Olympus', false],
    ['', false],
    ['Asia/Kolkata/', false],
    ['../etc/passwd', false],
  ])('zone %s → %s', (z, ok) => expect(isIanaZone(z)).toBe(ok));

  it.each([
    ['en', 'en'],
    ['en-in', 'en-IN'],
    ['pt-BR', 'pt-BR'],
    ['zh-Hant-TW', 'zh-Hant-TW'],
    ['en_US', undefined],
    ['klingon', undefined],
    ['xx', undefined],
    ['', undefined],
  ])('locale %s → %s', (tag, c) => expect(canonicalLocale(tag)).toBe(c));

  it('checks a patch field by field', () => {
    expect(checkBusinessSettings({ currency: 'INR', locale: 'hi-in' })).toEqual({ ok: true, value: { currency: 'INR', locale: 'hi-IN' } });
    expect(checkBusinessSettings({ currency: 'ABC' })).toMatchObject({ ok: false, error: { path: 'currency' } });
    expect(checkBusinessSettings({ name: ' ' })).toMatchObject({ ok: false, error: { path: 'name' } });
    expect(checkBusinessSettings({ name: ' Shop ' })).toEqual({ ok: true, value: { name: 'Shop' } });
  });
});
