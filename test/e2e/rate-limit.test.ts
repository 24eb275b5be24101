// Rate limits. Per key (RATE_LIMIT_PER_SECOND=5, RATE_LIMIT_BURST=10, the merchant's own
// limit set far above): the burst is served, the next request is 429 rate_limited with
// retry-after, other keys are unaffected, and the bucket refills. Per merchant: all its
// keys share one bucket, by default as large as one key's, so minting keys adds nothing.
// Per client address: failed authentications are throttled before any key lookup, and
// the address is the proxy's unless TRUST_PROXY says how many proxies to look through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let secondKey: string;
let otherKey: string;
// The buckets' real time, moved by the tests: no refill happens unless a test says so, however
// slow the machine (the limits are measured in wall-clock seconds through this port).
const wall = new ManualClock('2026-05-01T08:00:00Z');

beforeAll(async () => {
  s = await startTestServer({
    env: { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10', RATE_LIMIT_MERCHANT_PER_SECOND: '1000', RATE_LIMIT_MERCHANT_BURST: '1000' },
    wallClock: wall,
  });
  secondKey = (await s.api('/v1/api-keys', { body: { name: 'second' } })).body.key;
  otherKey = (await otherMerchant(s)).key;
  // Let the bucket the setup request used refill fully.
  wall.advance(60_000);
});
afterAll(async () => {
  await s?.close();
});

/** Spends the demo key's tokens until it is refused. */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await s.api('/v1/orders')).status === 429) return;
  throw new Error('the demo key was never limited');
}

/** `request` right after draining the demo key (no time passes in between). */
async function whenDrained(request: () => ReturnType<TestServer['api']>): ReturnType<TestServer['api']> {
  await drain();
  return request();
}

describe('rate limiting', () => {
  it('serves the burst of 10, then answers 429 rate_limited with retry-after', async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, () => s.api('/v1/orders')));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    const limited = await s.api('/v1/orders');
    expect(expectError(limited, 429, 'rate_limited').message).toMatch(/slow down|Too many/i);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('request-id')).toMatch(/^req_/);
  });

  it('another key of the same merchant (while the merchant has room) and another merchant are unaffected', async () => {
    // The demo key is exhausted...
    expectError(await whenDrained(() => s.api('/v1/orders')), 429, 'rate_limited');
    // ...but the others have their own buckets.
    const mine = await Promise.all(Array.from({ length: 5 }, () => s.api('/v1/orders', { key: secondKey })));
    expect(mine.map((r) => r.status)).toEqual(Array(5).fill(200));
    const theirs = await Promise.all(Array.from({ length: 5 }, () => s.api('/v1/products', { key: otherKey })));
    expect(theirs.map((r) => r.status)).toEqual(Array(5).fill(200));
  });

  it('applies to writes too, and a limited write creates nothing', async () => {
    let n = 0;
    const r = await whenDrained(() => s.api('/v1/products', { body: { retailer_id: `rl-${++n}`, name: 'x', price: 1, currency: 'INR' } }));
    expectError(r, 429, 'rate_limited');
    const list = await s.api('/v1/products?limit=100', { key: secondKey });
    expect(list.body.data.map((p: any) => p.retailer_id)).not.toContain(`rl-${n}`);
  });

  it('unauthenticated requests are refused (401) before touching any bucket', async () => {
    expectError(await s.api('/v1/orders', { key: null }), 401, 'unauthorized');
  });

  it('the bucket refills at the configured rate', async () => {
    await drain();
    wall.advance(600); // 5 tokens/s: 3 tokens in 0.6 s, not a fourth
    const after = await Promise.all(Array.from({ length: 4 }, () => s.api('/v1/orders')));
    expect(after.map((r) => r.status).sort()).toEqual([200, 200, 200, 429]);
  });

  it('health and metrics are not rate limited', async () => {
    const rs = await Promise.all(Array.from({ length: 15 }, () => s.api('/healthz', { key: null })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});

const WRONG = (c: string) => `cc_live_${c.repeat(43)}`;

/** A server of its own for a describe block, closed after it. */
function useServer(env: Record<string, string>) {
  const h = { s: undefined as unknown as TestServer };
  beforeAll(async () => {
    // Time stands still for the buckets: what a test sees does not depend on the machine's speed.
    h.s = await startTestServer({ env, wallClock: new ManualClock('2026-05-01T08:00:00Z') });
  });
  afterAll(async () => {
    await h.s?.close();
  });
  return h;
}

describe('per merchant: every key of a merchant draws on one bucket', () => {
  const h = useServer({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '10' });

  it('by default the merchant gets what one key gets: a new key adds nothing', async () => {
    const { s } = h;
    const minted = await s.api('/v1/api-keys', { body: { name: 'more' } });
    expect(minted.status).toBe(201);
    let served = 1; // the request that minted it
    while (served < 20 && (await s.api('/v1/orders')).status === 200) served++;
    expect(served).toBe(10); // the burst, nothing refilled
    // The new key's own bucket is full, but the merchant's is empty.
    let second = 0;
    let last = await s.api('/v1/orders', { key: minted.body.key });
    while (second < 10 && last.status === 200) {
      second++;
      last = await s.api('/v1/orders', { key: minted.body.key });
    }
    expect(second).toBe(0);
    expect(expectError(last, 429, 'rate_limited').message).toMatch(/merchant/);
    // Another merchant has its own.
    const other = await otherMerchant(s);
    expect((await s.api('/v1/orders', { key: other.key })).status).toBe(200);
  });
});

describe('per merchant, set above the per-key limit', () => {
  const h = useServer({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '10', RATE_LIMIT_MERCHANT_PER_SECOND: '1', RATE_LIMIT_MERCHANT_BURST: '15' });

  it('a second key gets only what the merchant has left, not a burst of its own', async () => {
    const { s } = h;
    const second = (await s.api('/v1/api-keys', { body: { name: 'second' } })).body.key as string;
    let first = 1;
    while (first < 20 && (await s.api('/v1/orders')).status === 200) first++;
    expect(first).toBeGreaterThanOrEqual(10);
    expect(first).toBeLessThanOrEqual(11);
    const keyLimited = expectError(await s.api('/v1/orders'), 429, 'rate_limited');
    expect(keyLimited.message).toMatch(/API key/);
    let more = 0;
    let last = await s.api('/v1/orders', { key: second });
    while (more < 20 && last.status === 200) {
      more++;
      last = await s.api('/v1/orders', { key: second });
    }
    expect(more).toBeGreaterThanOrEqual(4);
    expect(more).toBeLessThanOrEqual(6); // 15 - 10, maybe one refilled: not the key's own 10
    expect(expectError(last, 429, 'rate_limited').message).toMatch(/merchant/);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('failed authentication, per client address', () => {
  const h = useServer({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1', RATE_LIMIT_AUTH_FAILURES_BURST: '5' });

  it('after the burst of failures the address gets 429 with retry-after, and no key is looked up', async () => {
    const { s } = h;
    for (let i = 0; i < 5; i++) expectError(await s.api('/v1/orders', { key: WRONG(String.fromCharCode(65 + i)) }), 401, 'unauthorized');
    const before = s.ctx.db.stats().statements;
    const r = await s.api('/v1/orders', { key: WRONG('z') });
    const e = expectError(r, 429, 'rate_limited');
    expect(e.message).toMatch(/failed authentication/i);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(30);
    // Missing and malformed keys count as failures too; none of it reached the database.
    expectError(await s.api('/v1/orders', { key: null }), 429, 'rate_limited');
    expect(s.ctx.db.stats().statements).toBe(before);
  });

  it('without TRUST_PROXY, X-Forwarded-For is not believed: every request is the same address', async () => {
    const { s } = h;
    const r = await s.api('/v1/orders', { key: WRONG('y'), headers: { 'x-forwarded-for': '198.51.100.77' } });
    expectError(r, 429, 'rate_limited');
  });

  it('while throttled, a good key from that address waits too (the limit comes before the lookup)', async () => {
    const { s } = h;
    expectError(await s.api('/v1/orders'), 429, 'rate_limited');
  });
});

describe('TRUST_PROXY=1: the client address is the one the proxy saw', () => {
  const h = useServer({ TRUST_PROXY: '1', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1', RATE_LIMIT_AUTH_FAILURES_BURST: '3' });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('throttles one client without touching another behind the same proxy', async () => {
    const { s } = h;
    for (let i = 0; i < 3; i++) expectError(await s.api('/v1/orders', { key: WRONG('x'), headers: from('203.0.113.5') }), 401, 'unauthorized');
    expectError(await s.api('/v1/orders', { key: WRONG('x'), headers: from('203.0.113.5') }), 429, 'rate_limited');
    expectError(await s.api('/v1/orders', { key: WRONG('x'), headers: from('203.0.113.6') }), 401, 'unauthorized');
    expect((await s.api('/v1/orders', { headers: from('203.0.113.7') })).status).toBe(200);
    // The proxy appends what it saw: an address the client wrote itself further left is not believed.
    expectError(await s.api('/v1/orders', { key: WRONG('x'), headers: from('192.0.2.1, 203.0.113.5') }), 429, 'rate_limited');
  });

  it('counts an IPv6 client by its /64', async () => {
    const { s } = h;
    for (let i = 0; i < 3; i++) expectError(await s.api('/v1/orders', { key: WRONG('w'), headers: from('2001:db8:1:2::1') }), 401, 'unauthorized');
    expectError(await s.api('/v1/orders', { key: WRONG('w'), headers: from('2001:db8:1:2:ffff::9') }), 429, 'rate_limited');
    expectError(await s.api('/v1/orders', { key: WRONG('w'), headers: from('2001:db8:1:3::1') }), 401, 'unauthorized');
  });
});
