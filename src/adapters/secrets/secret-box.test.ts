import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyId, sealedKeyId } from './secret-box.ts';

const k1 = crypto.randomBytes(32);
const k2 = crypto.randomBytes(32);

function flip(s: string, at: number): string {
  const c = s[at]!;
  return s.slice(0, at) + (c === 'A' ? 'B' : 'A') + s.slice(at + 1);
}

describe('createSecretBox', () => {
  it('round-trips text, including empty and non-ASCII', () => {
    const box = createSecretBox(k1);
    for (const text of ['rzp_live_secret', '', 'ünïcødé ✓ 🔑', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(text))).toBe(text);
    }
  });

  it('names the key id in the output and never contains the plaintext', () => {
    const box = createSecretBox(k1);
    const sealed = box.seal('plain-secret-value');
    expect(box.currentKeyId).toBe(keyId(k1));
    expect(box.currentKeyId).toMatch(/^[0-9a-f]{8}$/);
    expect(sealed.startsWith(`v1.${keyId(k1)}.`)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(keyId(k1));
    expect(sealed.split('.')).toHaveLength(4);
    expect(sealed).not.toContain('plain-secret-value');
  });

  it('uses a fresh IV every time', () => {
    const box = createSecretBox(k1);
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  it('refuses tampered values', () => {
    const box = createSecretBox(k1);
    const sealed = box.seal('do not touch');
    const [v, kid, iv, ct] = sealed.split('.');
    expect(() => box.open([v, kid, iv, flip(ct!, 0)].join('.'))).toThrow();
    expect(() => box.open([v, kid, iv, flip(ct!, ct!.length - 3)].join('.'))).toThrow(); // in the tag
    expect(() => box.open([v, kid, flip(iv!, 1), ct].join('.'))).toThrow();
    expect(() => box.open([v, kid, iv, ct!.slice(0, -4)].join('.'))).toThrow();
    expect(() => box.open('not sealed')).toThrow(/not a sealed secret/);
    expect(() => box.open(`v2.${kid}.${iv}.${ct}`)).toThrow(/not a sealed secret/);
  });

  it('binds the key id: a value cannot be relabelled to another configured key', () => {
    const box = createSecretBox(k2, [k1]);
    const old = createSecretBox(k1).seal('bound');
    const relabelled = old.replace(`v1.${keyId(k1)}.`, `v1.${keyId(k2)}.`);
    expect(() => box.open(relabelled)).toThrow();
  });

  it('opens values sealed with a previous key after rotation, and seals with the new one', () => {
    const before = createSecretBox(k1);
    const sealedOld = before.seal('kept across rotation');
    const after = createSecretBox(k2, [k1]);
    expect(after.currentKeyId).toBe(keyId(k2));
    expect(after.open(sealedOld)).toBe('kept across rotation');
    const sealedNew = after.seal('new value');
    expect(sealedKeyId(sealedNew)).toBe(keyId(k2));
    expect(after.open(sealedNew)).toBe('new value');
    // The old box alone cannot read values sealed with the new key.
    expect(() => before.open(sealedNew)).toThrow(new RegExp(`no encryption key with id ${keyId(k2)}`));
  });

  it('names an unknown key id clearly', () => {
    const sealed = createSecretBox(k1).seal('x');
    expect(() => createSecretBox(k2).open(sealed)).toThrow(`no encryption key with id ${keyId(k1)} is configured`);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createSecretBox(crypto.randomBytes(16))).toThrow(/32 bytes/);
  });
});
