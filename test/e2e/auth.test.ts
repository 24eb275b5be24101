// API keys and authentication: every way a key can be bad answers 401 in the error
// envelope; keys are created (shown once), listed (prefix only), rotated (with an
// optional grace period) and revoked, and only within their own merchant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, expectValidation, keyIdOf, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
let other: Awaited<ReturnType<typeof otherMerchant>>;

beforeAll(async () => {
  s = await startTestServer({ clock });
  other = await otherMerchant(s);
});
afterAll(async () => {
  await s?.close();
});

async function newKey(name = 'ci'): Promise<{ id: string; key: string }> {
  const r = await s.api('/v1/api-keys', { body: { name } });
  expect(r.status).toBe(201);
  return { id: r.body.id, key: r.body.key };
}

describe('unauthorized requests', () => {
  const protectedCalls: [string, { method?: string; body?: unknown }][] = [
    ['/v1/orders', {}],
    ['/v1/products', { method: 'POST', body: { retailer_id: 'x', name: 'x', price: 1, currency: 'INR' } }],
    ['/v1/events', {}],
    ['/v1/api-keys', {}],
  ];

  it.each(protectedCalls)('%s without a key is 401 unauthorized', async (path, init) => {
    const r = await s.api(path, { ...init, key: null });
    const e = expectError(r, 401, 'unauthorized');
    expect(e.message).toMatch(/Bearer/);
  });

  it.each([
    ['another scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['Bearer without a token', 'Bearer '],
    ['a token with spaces', 'Bearer cc_test_abc def'],
    ['a malformed key', 'Bearer not-a-key'],
    ['a well-formed but unknown key', `Bearer cc_test_${'A'.repeat(43)}`],
    ['a live-looking key', `Bearer cc_live_${'b'.repeat(43)}`],
    ['a far too long key', `Bearer cc_test_${'A'.repeat(5000)}`],
  ])('%s is 401 unauthorized', async (_label, authorization) => {
    const r = await s.api('/v1/orders', { key: null, headers: { authorization } });
    expectError(r, 401, 'unauthorized');
  });

  it('the demo key with one character changed is refused', async () => {
    const last = s.demoKey.at(-1) === 'A' ? 'B' : 'A';
    const r = await s.api('/v1/orders', { key: s.demoKey.slice(0, -1) + last });
    expectError(r, 401, 'unauthorized');
  });

  it('the scheme name is case-insensitive', async () => {
    const r = await s.api('/v1/orders', { key: null, headers: { authorization: `bearer ${s.demoKey}` } });
    expect(r.status).toBe(200);
  });
});

describe('API keys', () => {
  it('POST /v1/api-keys shows the key once: cc_test_ and at least 32 random bytes', async () => {
    const r = await s.api('/v1/api-keys', { body: { name: 'deploy' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^key_/), object: 'api_key', name: 'deploy', revoked_at: null, expires_at: null });
    expect(r.body.key).toMatch(/^cc_test_[A-Za-z0-9_-]+$/);
    expect(Buffer.from(r.body.key.slice('cc_test_'.length), 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    expect(r.body.prefix.length).toBeLessThan(r.body.key.length - 32);
    // The new key works at once and acts for the same merchant.
    const list = await s.api('/v1/products', { key: r.body.key });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: any) => p.retailer_id)).toContain('masala-chai');
    // Two keys never collide.
    const again = await s.api('/v1/api-keys', { body: {} });
    expect(again.status).toBe(201);
    expect(again.body.key).not.toBe(r.body.key);
    expect(again.body.name).toBeNull();
  });

  it('GET /v1/api-keys lists prefixes only: no key, no hash', async () => {
    const { id, key } = await newKey('listed');
    const r = await s.api('/v1/api-keys');
    expect(r.status).toBe(200);
    expect(r.body.has_more).toBe(false);
    const row = r.body.data.find((k: any) => k.id === id);
    expect(row.prefix).toBe(key.slice(0, row.prefix.length));
    for (const k of r.body.data) {
      expect(k).not.toHaveProperty('key');
      expect(k).not.toHaveProperty('key_hash');
      expect(k).not.toHaveProperty('hash');
      expect(JSON.stringify(k)).not.toContain(key);
    }
    expect(JSON.stringify(r.body)).not.toContain(s.demoKey);
    // Another merchant's keys never show up.
    expect(r.body.data.map((k: any) => k.id)).not.toContain(other.keyId);
  });

  it('a revoked key answers 401 at once; revoking again is 404', async () => {
    const { id, key } = await newKey('to-revoke');
    expect((await s.api('/v1/orders', { key })).status).toBe(200);
    const r = await s.api(`/v1/api-keys/${id}/revoke`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, revoked_at: expect.any(String) });
    expect(r.body).not.toHaveProperty('key');
    expectError(await s.api('/v1/orders', { key }), 401, 'unauthorized');
    expectError(await s.api('/v1/api-keys', { key }), 401, 'unauthorized');
    expectError(await s.api(`/v1/api-keys/${id}/revoke`, { method: 'POST' }), 404, 'not_found');
    expectError(await s.api(`/v1/api-keys/${id}/rotate`, { method: 'POST' }), 404, 'not_found');
  });

  it('rotate without grace: the old key stops at once, the new one works', async () => {
    const { id, key } = await newKey('rotate-now');
    const r = await s.api(`/v1/api-keys/${id}/rotate`, { method: 'POST', body: {} });
    expect(r.status).toBe(201);
    expect(r.body.id).not.toBe(id);
    expect(r.body.key).toMatch(/^cc_test_/);
    expect(r.body.name).toBe('rotate-now');
    expect(r.body.replaced).toMatchObject({ id, revoked_at: expect.any(String) });
    expect(r.body.replaced).not.toHaveProperty('key');
    expectError(await s.api('/v1/orders', { key }), 401, 'unauthorized');
    expect((await s.api('/v1/orders', { key: r.body.key })).status).toBe(200);
  });

  it('rotate with grace_seconds keeps the old key working until then', async () => {
    const { id, key } = await newKey('rotate-grace');
    const r = await s.api(`/v1/api-keys/${id}/rotate`, { body: { grace_seconds: 3600 } });
    expect(r.status).toBe(201);
    const ends = new Date(r.body.replaced.expires_at).getTime();
    expect(ends).toBe(clock.now().getTime() + 3600_000);
    expect(r.body.replaced.revoked_at).toBeNull();
    expect((await s.api('/v1/orders', { key })).status).toBe(200);
    expect((await s.api('/v1/orders', { key: r.body.key })).status).toBe(200);

    clock.advance(3599_000);
    expect((await s.api('/v1/orders', { key })).status).toBe(200);
    clock.advance(1_000);
    expectError(await s.api('/v1/orders', { key }), 401, 'unauthorized');
    expect((await s.api('/v1/orders', { key: r.body.key })).status).toBe(200);
  });

  it('refuses a bad grace_seconds and unknown fields with 400', async () => {
    const { id } = await newKey('bad-rotate');
    expectValidation(await s.api(`/v1/api-keys/${id}/rotate`, { body: { grace_seconds: -1 } }), 'grace_seconds');
    expectValidation(await s.api(`/v1/api-keys/${id}/rotate`, { body: { grace_seconds: 8 * 86_400 } }), 'grace_seconds');
    expectValidation(await s.api(`/v1/api-keys/${id}/rotate`, { body: { grace_seconds: 1.5 } }), 'grace_seconds');
    expectValidation(await s.api('/v1/api-keys', { body: { name: 'x', scopes: ['all'] } }), 'scopes');
    expectValidation(await s.api('/v1/api-keys', { body: { name: '' } }), 'name');
    expectValidation(await s.api('/v1/api-keys/not-an-id/revoke', { method: 'POST' }), 'params.id');
    // None of these rotated the key.
    const list = await s.api('/v1/api-keys');
    expect(list.body.data.find((k: any) => k.id === id)).toMatchObject({ revoked_at: null, expires_at: null });
  });

  it("another merchant's key cannot be rotated or revoked (404) and keeps working", async () => {
    expectError(await s.api(`/v1/api-keys/${other.keyId}/rotate`, { method: 'POST' }), 404, 'not_found');
    expectError(await s.api(`/v1/api-keys/${other.keyId}/revoke`, { method: 'POST' }), 404, 'not_found');
    const r = await s.api('/v1/api-keys', { key: other.key });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0]).toMatchObject({ id: other.keyId, revoked_at: null });
    // And the other merchant cannot touch ours.
    const demoKeyId = await keyIdOf(s, s.demoKey);
    expectError(await s.api(`/v1/api-keys/${demoKeyId}/revoke`, { method: 'POST', key: other.key }), 404, 'not_found');
    expect((await s.api('/v1/orders')).status).toBe(200);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});

describe('at most 100 active API keys per merchant', () => {
  const as = (path: string, init: { method?: string; body?: unknown } = {}) => s.api(path, { ...init, key: other.key });

  it('the 101st is 409 conflict (exactly one of two at once gets the last place); revoking makes room; rotation may not add one', async () => {
    // The other merchant has its first key; 98 more make 99.
    const ids: string[] = [];
    for (let i = 0; i < 98; i++) {
      const r = await as('/v1/api-keys', { body: { name: `k${i}` } });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const both = await Promise.all([1, 2].map(() => as('/v1/api-keys', { body: {} })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const e = expectError(both.find((r) => r.status === 409)!, 409, 'conflict');
    expect(e.message).toMatch(/100 active API keys/);

    // Rotating with a grace period would leave 101 working for a while: refused, nothing changed.
    expectError(await as(`/v1/api-keys/${ids[0]}/rotate`, { body: { grace_seconds: 60 } }), 409, 'conflict');
    const listed = (await as('/v1/api-keys')).body.data;
    expect(listed.find((k: any) => k.id === ids[0])).toMatchObject({ revoked_at: null, expires_at: null });
    expect(listed.filter((k: any) => !k.revoked_at && !k.expires_at)).toHaveLength(100);
    // Without one, the new key replaces the old: allowed.
    expect((await as(`/v1/api-keys/${ids[0]}/rotate`, { body: {} })).status).toBe(201);

    expect((await as(`/v1/api-keys/${ids[1]}/revoke`, { method: 'POST' })).status).toBe(200);
    expect((await as('/v1/api-keys', { body: {} })).status).toBe(201);
    expectError(await as('/v1/api-keys', { body: {} }), 409, 'conflict');
  });

  it('a key past its grace period no longer counts', async () => {
    const r = await as('/v1/api-keys');
    const live = r.body.data.filter((k: any) => !k.revoked_at);
    // Rotate one at the cap without grace (allowed), then with grace after making room.
    expect((await as(`/v1/api-keys/${live[5].id}/revoke`, { method: 'POST' })).status).toBe(200);
    const rotated = await as(`/v1/api-keys/${live[6].id}/rotate`, { body: { grace_seconds: 60 } });
    expect(rotated.status).toBe(201);
    expectError(await as('/v1/api-keys', { body: {} }), 409, 'conflict');
    clock.advance(60_000);
    expect((await as('/v1/api-keys', { body: {} })).status).toBe(201);
  });
});
