// The Flows data endpoint over HTTP, with requests encrypted independently as the
// WhatsApp client does: keys, ping, client error notifications, and every refusal
// Meta defines (421 cannot decrypt, 427 token refused, 432 bad signature). A refused
// request changes nothing.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { getFlowToken } from '../../src/modules/flows/flows.repository.ts';
import { flowClient } from '../support/flows.ts';
import { expectError, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let publicKey: string;
let client: Awaited<ReturnType<typeof flowClient>>;
const clock = new ManualClock(new Date());
const customer = '919800011122';

async function newToken(key = s.demoKey): Promise<string> {
  const r = await s.api('/v1/flows/send', { key, body: { wa_id: customer, flow: 'order_food' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.flow_token;
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  const created = await s.api('/v1/flows/keys', { body: {} });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  publicKey = created.body.public_key;
  client = await flowClient(s, s.merchantId, publicKey);
});
afterAll(async () => {
  await s?.close();
});

describe('Flows keys', () => {
  it('creates a 2048-bit pair once, serves the public key, and keeps the private key sealed', async () => {
    expect(publicKey.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
    expect(crypto.createPublicKey(publicKey).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const got = await s.api('/v1/flows/keys');
    expect(got.status).toBe(200);
    expect(got.body.public_key).toBe(publicKey);
    expect(got.body.endpoint_url).toBe(`${s.base}/flows/endpoint/${s.merchantId}`);
    expectError(await s.api('/v1/flows/keys', { body: {} }), 409, 'conflict');
    const [row] = await s.ctx.db.query<{ private_key: string }>(`select private_key from flow_keys where merchant_id = $1`, [s.merchantId]);
    expect(row!.private_key).toMatch(/^v1\./);
    expect(row!.private_key).not.toContain('PRIVATE KEY');
  });

  it('refuses to send a flow for a merchant without keys', async () => {
    const other = await otherMerchant(s, 'No keys yet');
    expectError(await s.api('/v1/flows/send', { key: other.key, body: { wa_id: customer, flow: 'order_food' } }), 409, 'conflict');
    expectError(await s.api('/v1/flows/keys', { key: other.key }), 404, 'not_found');
  });
});

describe('registering the public key with the sandbox Cloud API', () => {
  it('takes business_public_key as Meta does and returns it with VALID', async () => {
    const wa = (await s.api('/v1/settings/whatsapp')).body;
    const url = `${s.base}/sandbox/graph/v24.0/${wa.phone_number_id}/whatsapp_business_encryption`;
    const auth = { authorization: `Bearer ${wa.sandbox_access_token}` };
    const form = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
    const post = await fetch(url, { method: 'POST', headers: form, body: new URLSearchParams({ business_public_key: publicKey }).toString() });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ success: true });
    const got = await (await fetch(url, { headers: auth })).json();
    expect(got).toEqual({ data: [{ business_public_key: publicKey, business_public_key_signature_status: 'VALID' }] });

    const small = crypto.generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const bad = await fetch(url, { method: 'POST', headers: form, body: new URLSearchParams({ business_public_key: small.publicKey }).toString() });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe(100);
    const noToken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ business_public_key: publicKey }),
    });
    expect(noToken.status).toBe(401);
  });
});

describe('Flows data endpoint', () => {
  it('answers ping with the encrypted status, as text/plain', async () => {
    const r = await client.send({ version: '3.0', action: 'ping' });
    expect(r.status).toBe(200);
    expect(r.contentType).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(r.json).toEqual({ data: { status: 'active' } });
  });

  it('acknowledges a client error notification', async () => {
    const token = await newToken();
    const r = await client.send({
      version: '3.0',
      action: 'data_exchange',
      flow_token: token,
      data: { error: 'invalid-screen-transition', error_message: 'MENU → CONFIRM' },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { acknowledged: true } });
  });

  it('432 for a missing, wrong or stale signature; nothing is processed', async () => {
    const token = await newToken();
    const before = await getFlowToken(s.ctx.db, token);
    const init = { version: '3.0', action: 'INIT', flow_token: token };
    for (const signature of ['none', 'wrong'] as const) {
      const r = await client.send(init, { signature });
      expect(r.status).toBe(432);
      expect(r.text).toBe('');
    }
    // A signature of other bytes: the body was changed after signing.
    const res = await fetch(`${s.base}/flows/endpoint/${s.merchantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: '{}',
    });
    expect(res.status).toBe(432);
    expect(await getFlowToken(s.ctx.db, token)).toEqual(before);
  });

  it('421 for a wrong key, tampered ciphertext or tag, malformed JSON inside, or a malformed body', async () => {
    const token = await newToken();
    const before = await getFlowToken(s.ctx.db, token);
    const init = { version: '3.0', action: 'INIT', flow_token: token };
    const stranger = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const flip = (at: 'first' | 'last') => (e: any) => {
      const b = Buffer.from(e.encrypted_flow_data, 'base64');
      b[at === 'first' ? 0 : b.length - 1]! ^= 0x80;
      return { ...e, encrypted_flow_data: b.toString('base64') };
    };
    const cases = [
      { name: 'wrong key', o: { publicKey: stranger.publicKey } },
      { name: 'tampered ciphertext', o: { tamper: flip('first') } },
      { name: 'tampered tag', o: { tamper: flip('last') } },
      { name: 'other IV', o: { tamper: (e: any) => ({ ...e, initial_vector: crypto.randomBytes(16).toString('base64') }) } },
      { name: 'malformed JSON inside', o: { plaintext: Buffer.from('{"version":"3.0","action":"INIT",') } },
      { name: 'not an envelope', o: { rawBody: JSON.stringify({ hello: 'world' }) } },
      { name: 'not JSON at all', o: { rawBody: 'encrypted_flow_data=abc' } },
    ];
    for (const c of cases) {
      const r = await client.send(init, c.o);
      expect({ name: c.name, status: r.status, text: r.text }).toEqual({ name: c.name, status: 421, text: '' });
    }
    expect(await getFlowToken(s.ctx.db, token)).toEqual(before);
  });

  it('404 for a merchant with no Flows endpoint', async () => {
    expect((await client.send({ version: '3.0', action: 'ping' }, { merchantId: 'mer_01hzzzzzzzzzzzzzzzzzzzzzzz' })).status).toBe(404);
    const other = await otherMerchant(s, 'Keyless');
    expect((await client.send({ version: '3.0', action: 'ping' }, { merchantId: other.merchantId })).status).toBe(404);
  });

  it('427 with an encrypted error_msg for an unknown, foreign, expired or completed token', async () => {
    const expect427 = async (flow_token: unknown, text: RegExp, c = client) => {
      const r = await c.send({ version: '3.0', action: 'INIT', flow_token });
      expect(r.status).toBe(427);
      expect(r.json.error_msg).toMatch(text);
    };
    await expect427('flt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /no longer available/);
    await expect427('not-even-shaped-like-one', /no longer available/);
    await expect427(undefined, /no longer available/);

    // Another merchant's token, sent to this merchant's endpoint: as unknown as any other.
    const other = await otherMerchant(s, 'Second shop');
    const theirKeys = await s.api('/v1/flows/keys', { key: other.key, body: {} });
    const theirToken = await newToken(other.key);
    await expect427(theirToken, /no longer available/);
    // …and it works at its own merchant's endpoint.
    const theirClient = await flowClient(s, other.merchantId, theirKeys.body.public_key);
    expect((await theirClient.step(theirToken, 'INIT')).screen).toBe('MENU');

    const token = await newToken();
    expect((await client.step(token, 'INIT')).screen).toBe('MENU');
    clock.advance(24 * 3600_000 + 1);
    await expect427(token, /expired/);
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('expired');

    const done = await newToken();
    await s.ctx.db.query(`update flow_tokens set status = 'completed' where token = $1`, [done]);
    await expect427(done, /already been submitted/);
  });

  it('rotating the keys makes requests under the old public key 421', async () => {
    const rotated = await s.api('/v1/flows/keys', { body: { rotate: true } });
    expect(rotated.status).toBe(201);
    expect(rotated.body.public_key).not.toBe(publicKey);
    expect((await client.send({ version: '3.0', action: 'ping' })).status).toBe(421);
    const fresh = await flowClient(s, s.merchantId, rotated.body.public_key);
    expect((await fresh.send({ version: '3.0', action: 'ping' })).json).toEqual({ data: { status: 'active' } });
    publicKey = rotated.body.public_key;
    client = fresh;
  });
});
