import { describe, it, expect } from 'vitest';
import { decodeTime } from 'ulidx';
import { ID_PREFIXES, MIN_SECRET_BYTES, REFERENCE_ID_PATTERN, isId, isValidReferenceId, newId, newReferenceId, newSecretToken, type IdPrefix } from './ids.ts';

const N = 10_000;
const fixedBytes = (fill: number) => (size: number) => new Uint8Array(size).fill(fill);

describe('newId / isId', () => {
  it.each(ID_PREFIXES.map((p) => [p]))('%s ids have the prefix, a lowercase ULID and validate', (prefix) => {
    const id = newId(prefix);
    expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-z]{26}$`));
    expect(isId(prefix, id)).toBe(true);
  });

  it('embeds the creation time', () => {
    const before = Date.now();
    const id = newId('ord');
    expect(decodeTime(id.slice(4).toUpperCase())).toBeGreaterThanOrEqual(before);
    expect(decodeTime(id.slice(4).toUpperCase())).toBeLessThanOrEqual(Date.now());
  });

  it(`is unique and sorts in creation order over ${N} generations`, () => {
    const ids = Array.from({ length: N }, () => newId('evt'));
    expect(new Set(ids).size).toBe(N);
    expect([...ids].sort()).toEqual(ids);
  });

  it('an id minted after a clock tick sorts after an earlier one', async () => {
    const a = newId('pay');
    await new Promise((r) => setTimeout(r, 5));
    const b = newId('pay');
    expect(a < b).toBe(true);
  });

  it('throws on an unknown prefix', () => {
    expect(() => newId('xyz' as IdPrefix)).toThrow();
  });

  const good = 'ord_01hzy3k8m9q4t7w1x2v5n6p8rs';
  it.each<[string, IdPrefix, unknown, boolean]>([
    ['good', 'ord', good, true],
    ['wrong prefix', 'pay', good, false],
    ['uppercase body', 'ord', good.toUpperCase().replace('ORD', 'ord'), false],
    ['uppercase prefix', 'ord', 'ORD' + good.slice(3), false],
    ['too short', 'ord', good.slice(0, -1), false],
    ['too long', 'ord', good + '0', false],
    ['ambiguous letter i', 'ord', good.slice(0, -1) + 'i', false],
    ['ambiguous letter l', 'ord', good.slice(0, -1) + 'l', false],
    ['letter o', 'ord', good.slice(0, -1) + 'o', false],
    ['letter u', 'ord', good.slice(0, -1) + 'u', false],
    ['timestamp overflow', 'ord', 'ord_8' + good.slice(5), false],
    ['missing underscore', 'ord', 'ord' + good.slice(4) + '0', false],
    ['not a string', 'ord', 42, false],
    ['undefined', 'ord', undefined, false],
  ])('isId: %s', (_name, prefix, s, expected) => {
    expect(isId(prefix, s)).toBe(expected);
  });
});

describe('reference ids', () => {
  it.each<[unknown, boolean]>([
    ['CC-8F3K2M9Q4T7W1X', true],
    ['a', true],
    ['A_b.c-9', true],
    ['x'.repeat(35), true],
    ['x'.repeat(36), false],
    ['', false],
    ['has space', false],
    ['slash/no', false],
    ['é', false],
    ['abc\n', false],
    [123, false],
    [null, false],
  ])('isValidReferenceId(%j) → %j', (s, expected) => {
    expect(isValidReferenceId(s)).toBe(expected);
  });

  it(`generates ${N} unique, valid, 16-char references`, () => {
    const refs = Array.from({ length: N }, () => newReferenceId());
    expect(new Set(refs).size).toBe(N);
    for (const r of refs) {
      expect(r).toHaveLength(16);
      expect(r).toMatch(/^CC-[0-9A-HJKMNP-TV-Z]{13}$/);
      expect(REFERENCE_ID_PATTERN.test(r)).toBe(true);
    }
  });

  it.each([
    [0x00, 'CC-0000000000000'],
    [0xff, 'CC-ZZZZZZZZZZZZZ'],
    [0x21, 'CC-1111111111111'], // 0x21 & 31 = 1: high bits are discarded
  ])('is deterministic given the RNG (byte %i)', (fill, expected) => {
    expect(newReferenceId(fixedBytes(fill))).toBe(expected);
  });

  it('throws when the RNG returns too few bytes', () => {
    expect(() => newReferenceId(() => new Uint8Array(3))).toThrow();
  });
});

describe('newSecretToken', () => {
  it.each([
    [undefined, 43],
    [16, 22],
    [32, 43],
    [48, 64],
  ])('bytes=%j gives %i base64url chars', (bytes, len) => {
    const t = newSecretToken(bytes);
    expect(t).toHaveLength(len);
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('encodes the RNG output as base64url', () => {
    expect(newSecretToken(16, fixedBytes(0xff))).toBe('_____________________w');
    expect(Buffer.from(newSecretToken(32, fixedBytes(7)), 'base64url')).toEqual(Buffer.alloc(32, 7));
  });

  it(`is unique over ${N} generations`, () => {
    const tokens = new Set(Array.from({ length: N }, () => newSecretToken()));
    expect(tokens.size).toBe(N);
  });

  it.each([0, 8, MIN_SECRET_BYTES - 1, 16.5, Number.NaN])('refuses %j bytes', (bytes) => {
    expect(() => newSecretToken(bytes)).toThrow(RangeError);
  });

  it('throws when the RNG returns too few bytes', () => {
    expect(() => newSecretToken(32, () => new Uint8Array(16))).toThrow();
  });
});
