import { describe, expect, it } from 'vitest';
import { normalizeKeyword } from './flows.keywords.ts';

describe('normalizeKeyword', () => {
  it('folds case, width and whitespace', () => {
    expect(normalizeKeyword('  Menu  ')).toBe('menu');
    expect(normalizeKeyword('ORDER\t\n  now')).toBe('order now');
    expect(normalizeKeyword('ＭＥＮＵ')).toBe('menu'); // full-width letters (NFKC)
    expect(normalizeKeyword('Menü')).toBe('menü');
    expect(normalizeKeyword('\u00a0menu\u2003')).toBe('menu');
    expect(normalizeKeyword('   ')).toBe('');
  });
});
