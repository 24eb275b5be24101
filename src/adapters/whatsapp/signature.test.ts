import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeUnicode, signWebhook, verifyWebhookSignature } from './signature.ts';
import { TEXT_MESSAGE } from './webhook.fixtures.ts';

const secret = 'app-secret-123';

describe('signWebhook', () => {
  it('is sha256=<hex HMAC-SHA256(app secret, raw body)>', () => {
    const expected = crypto.createHmac('sha256', secret).update(TEXT_MESSAGE).digest('hex');
    expect(signWebhook(secret, TEXT_MESSAGE)).toBe(`sha256=${expected}`);
    expect(signWebhook(secret, Buffer.from(TEXT_MESSAGE))).toBe(`sha256=${expected}`);
  });

  it('refuses an empty secret', () => {
    expect(() => signWebhook('', 'x')).toThrow();
  });
});

describe('verifyWebhookSignature', () => {
  const raw = Buffer.from(TEXT_MESSAGE);
  const sig = signWebhook(secret, raw);

  it('accepts our own signature, and uppercase hex', () => {
    expect(verifyWebhookSignature(raw, sig, secret)).toBe(true);
    expect(verifyWebhookSignature(raw, `sha256=${sig.slice(7).toUpperCase()}`, secret)).toBe(true);
  });

  it.each<[string, string | undefined]>([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['no scheme', sig.slice(7)],
    ['the sha1 scheme', `sha1=${sig.slice(7)}`],
    ['a truncated digest', sig.slice(0, -2)],
    ['non-hex digits', `sha256=${'z'.repeat(64)}`],
    ['a flipped digit', sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0')],
    ['two signatures', `${sig},${sig}`],
  ])('rejects %s', (_n, header) => {
    expect(verifyWebhookSignature(raw, header, secret)).toBe(false);
  });

  it('rejects another secret, a changed body and an empty secret', () => {
    expect(verifyWebhookSignature(raw, sig, 'other')).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(TEXT_MESSAGE.replace('Hello', 'Hallo')), sig, secret)).toBe(false);
    expect(verifyWebhookSignature(raw, sig, '')).toBe(false);
  });

  it('accepts a body sent already \\u-escaped (what our sandbox emits)', () => {
    const body = Buffer.from(JSON.stringify({ text: escapeUnicode('Olá, ação 🛒') }).replace(/\\\\u/g, '\\u'));
    expect(body.every((b) => b < 0x80)).toBe(true);
    expect((JSON.parse(body.toString()) as { text: string }).text).toBe('Olá, ação 🛒');
    expect(verifyWebhookSignature(body, signWebhook(secret, body), secret)).toBe(true);
  });

  it('accepts raw UTF-8 signed over its escaped-unicode rendering (Meta’s documented convention)', () => {
    const utf8 = Buffer.from('{"text":"äöå 🛒"}');
    const metaStyle = signWebhook(secret, escapeUnicode(utf8.toString('utf8')));
    expect(escapeUnicode('äöå 🛒')).toBe('\\u00e4\\u00f6\\u00e5 \\ud83d\\uded2');
    expect(verifyWebhookSignature(utf8, metaStyle, secret)).toBe(true);
    expect(verifyWebhookSignature(utf8, signWebhook(secret, utf8), secret)).toBe(true);
  });
});
