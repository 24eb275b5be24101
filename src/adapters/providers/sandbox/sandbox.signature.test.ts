import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSandboxPayload } from '../../../../packages/sandbox/src/psp/psp.signature.ts';
import { verifySandboxSignature } from './sandbox.signature.ts';

const secret = 'sbx_whsec_test';
const body = '{"id":"sev_1","type":"payment.captured","data":{"x":"₹ / é"}}';
const t = 1_772_359_200; // 2026-03-01T10:00:00Z
const now = new Date(t * 1000);
const raw = Buffer.from(body);

describe('sandbox PSP webhook signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>', () => {
    const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signSandboxPayload(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(signSandboxPayload(secret, raw, t)).toBe(`t=${t},v1=${expected}`);
  });

  it.each([
    ['the exact bytes and the secret', signSandboxPayload(secret, body, t), raw, [secret], now, 'ok'],
    ['any of several secrets (rotation)', signSandboxPayload(secret, body, t), raw, ['old', secret], now, 'ok'],
    ['any of several v1 entries', signSandboxPayload(['new', secret], body, t), raw, [secret], now, 'ok'],
    ['4 min 59 s late', signSandboxPayload(secret, body, t), raw, [secret], new Date((t + 299) * 1000), 'ok'],
    ['a re-serialised body', signSandboxPayload(secret, body, t), Buffer.from(JSON.stringify(JSON.parse(body), null, 2)), [secret], now, 'mismatch'],
    ['another secret', signSandboxPayload(secret, body, t), raw, ['other'], now, 'mismatch'],
    ['no secrets', signSandboxPayload(secret, body, t), raw, [], now, 'mismatch'],
    ['a changed timestamp', signSandboxPayload(secret, body, t).replace(`t=${t}`, `t=${t + 1}`), raw, [secret], now, 'mismatch'],
    ['5 min 1 s late', signSandboxPayload(secret, body, t), raw, [secret], new Date((t + 301) * 1000), 'stale'],
    ['from the future', signSandboxPayload(secret, body, t), raw, [secret], new Date((t - 301) * 1000), 'stale'],
    ['no header', undefined, raw, [secret], now, 'malformed'],
    ['an empty header', '', raw, [secret], now, 'malformed'],
    ['no t=', signSandboxPayload(secret, body, t).replace(`t=${t},`, ''), raw, [secret], now, 'malformed'],
    ['no v1=', `t=${t}`, raw, [secret], now, 'malformed'],
    ['a non-numeric t', `t=abc,v1=${'0'.repeat(64)}`, raw, [secret], now, 'malformed'],
    ['two t=', `t=${t},t=${t},v1=${'0'.repeat(64)}`, raw, [secret], now, 'malformed'],
    ['a short v1 only', `t=${t},v1=abcd`, raw, [secret], now, 'malformed'],
    ['garbage', 'hello', raw, [secret], now, 'malformed'],
  ] as const)('%s', (_name, header, bytes, secrets, at, result) => {
    expect(verifySandboxSignature(bytes, header, secrets, at)).toBe(result);
  });

  it('takes a custom tolerance', () => {
    expect(verifySandboxSignature(raw, signSandboxPayload(secret, body, t), [secret], new Date((t + 20) * 1000), 10)).toBe('stale');
  });
});
