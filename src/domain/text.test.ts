import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsafeStrings, jsonNestingDepth, jsonTooDeep, storableJson, storableText, unsafeTextReason } from './text.ts';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('unsafe text', () => {
  it.each([
    ['a\u0000b', /U\+0000/],
    ['\ud800', /unpaired/],
    ['x\udc00', /unpaired/],
    ['\ude00\ud83d', /unpaired/],
    ['one\ntwo\u0000', /line 2/],
  ])('%j is refused', (s, why) => {
    expect(unsafeTextReason(s)).toMatch(why);
  });

  it.each(['', 'plain', '😀 emoji pair', 'עברית \u200f rtl \u200b zero-width \ufeff', '\ufffd'])('%j is fine', (s) => {
    expect(unsafeTextReason(s)).toBeUndefined();
    expect(storableText(s)).toBe(s);
  });

  it('storableText replaces each bad character by U+FFFD and keeps pairs', () => {
    expect(storableText('a\u0000b\ud800c😀\udc00')).toBe('a\ufffdb\ufffdc😀\ufffd');
  });

  it('storable text is always storable (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '😀') }), (a, b) => {
        expect(unsafeTextReason(storableText(a + b))).toBeUndefined();
      }),
    );
  });

  it('storableJson cleans keys and values at any depth, and keeps a clean value as it is', () => {
    const clean = { a: [1, 'b', { c: null }] };
    expect(storableJson(clean)).toBe(clean);
    expect(storableJson({ 'k\u0000': ['x\ud800', { y: 'ok' }] })).toEqual({ 'k\ufffd': ['x\ufffd', { y: 'ok' }] });
  });

  it('findUnsafeStrings names every path, keys included, and skips buffers', () => {
    const found = findUnsafeStrings({ name: 'a\u0000', items: [{ note: 'ok' }, { note: '\ud800' }], 'bad\u0000key': 1, buf: Buffer.from([0]) }, 'body');
    expect(found.map((f) => f.path).sort()).toEqual(['body.bad\ufffdkey', 'body.items.1.note', 'body.name']);
    expect(findUnsafeStrings('\u0000', 'body')).toEqual([{ path: 'body', message: expect.stringMatching(/U\+0000/) }]);
    expect(findUnsafeStrings({ a: 'fine' }, 'querystring')).toEqual([]);
  });
});

describe('JSON nesting depth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[],[[]]]', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['{"a":"\\\\","b":[[]]}', 3],
    ['["\\\\\\"[["]', 1],
  ])('%s nests %i deep', (s, n) => {
    expect(jsonNestingDepth(bytes(s))).toBe(n);
  });

  it('agrees with the parsed value (property)', () => {
    const depthOf = (v: unknown): number =>
      Array.isArray(v) ? 1 + Math.max(0, ...v.map(depthOf)) : v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(jsonNestingDepth(bytes(JSON.stringify(v)))).toBe(depthOf(v));
      }),
    );
  });

  it('a 100,000-deep body is too deep, found without reading it all', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonTooDeep(bytes(deep))).toBe(true);
    expect(jsonTooDeep(bytes(`${'['.repeat(64)}${']'.repeat(64)}`))).toBe(false);
    expect(jsonTooDeep(bytes(`${'['.repeat(65)}${']'.repeat(65)}`))).toBe(true);
  });
});
