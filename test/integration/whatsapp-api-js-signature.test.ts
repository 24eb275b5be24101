// Cross-check of our X-Hub-Signature-256 against an independent implementation:
// whatsapp-api-js's verifyRequestSignature (WebCrypto HMAC over escapeUnicode(raw body)).
// Its convention escapes every non-ASCII UTF-16 unit to lowercase \uXXXX before hashing, so
// a body whose non-ASCII text is already \u-escaped (what our sandbox sends) verifies the same
// on both sides; a raw UTF-8 body verifies there only when signed over the escaped rendering.
import { describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { escapeUnicode, signWebhook, verifyWebhookSignature } from '../../src/adapters/whatsapp/signature.ts';
import { NFM_REPLY, TEXT_MESSAGE } from '../../src/adapters/whatsapp/webhook.fixtures.ts';

const appSecret = 'chatcart-test-app-secret';
const refuseFetch = (async () => {
  throw new Error('no network in this test');
}) as typeof fetch;
const wa = new WhatsAppAPI({ token: 'test-token', appSecret, webhookVerifyToken: 'verify-me', v: 'v24.0', ponyfill: { fetch: refuseFetch } });

// JSON whose non-ASCII characters are written as \uXXXX escapes: pure ASCII on the wire.
function escapedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\0-~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('whatsapp-api-js accepts signWebhook output', () => {
  it.each([
    ['the §5.1 text message', TEXT_MESSAGE],
    ['the §5.5 nfm_reply (escaped quotes inside response_json)', NFM_REPLY],
  ])('for %s', async (_n, raw) => {
    const sig = signWebhook(appSecret, raw);
    expect(await wa.verifyRequestSignature(raw, sig)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(raw), sig, appSecret)).toBe(true);
  });

  it('for a body with non-ASCII text escaped as \\uXXXX', async () => {
    const body = JSON.parse(TEXT_MESSAGE) as {
      entry: { changes: { value: { messages: { text: { body: string } }[]; contacts: { profile: { name: string } }[] } }[] }[];
    };
    const value = body.entry[0]?.changes[0]?.value;
    if (!value?.messages[0] || !value.contacts[0]) throw new Error('fixture shape changed');
    value.messages[0].text.body = 'Olá! Quero 2× pão de queijo 🧀, é possível?';
    value.contacts[0].profile.name = 'Zoë Ñúñez';
    const raw = escapedJson(body);
    expect(raw).toContain('Ol\\u00e1');
    expect(raw).toContain('\\ud83e\\uddc0'); // the emoji as a lowercase surrogate pair
    expect(Buffer.from(raw).every((b) => b < 0x80)).toBe(true);

    const sig = signWebhook(appSecret, raw);
    expect(await wa.verifyRequestSignature(raw, sig)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(raw), sig, appSecret)).toBe(true);
    expect(JSON.parse(raw)).toEqual(body);
  });

  it('for raw UTF-8 only when signed over the escaped rendering, which we also verify', async () => {
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [], note: 'ação 🛒' });
    const overBytes = signWebhook(appSecret, raw);
    const overEscaped = signWebhook(appSecret, escapeUnicode(raw));
    expect(await wa.verifyRequestSignature(raw, overBytes)).toBe(false);
    expect(await wa.verifyRequestSignature(raw, overEscaped)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(raw), overEscaped, appSecret)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(raw), overBytes, appSecret)).toBe(true);
  });

  it('and both reject a wrong secret', async () => {
    const sig = signWebhook('another-secret', TEXT_MESSAGE);
    expect(await wa.verifyRequestSignature(TEXT_MESSAGE, sig)).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(TEXT_MESSAGE), sig, appSecret)).toBe(false);
  });
});
