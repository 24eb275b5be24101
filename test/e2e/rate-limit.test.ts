// Per-key rate limits (RATE_LIMIT_PER_SECOND=5, RATE_LIMIT_BURST=10): the burst is
// served, the next request is 429 rate_limited with retry-after, other keys are
// unaffected, and the bucket refills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let secondKey: string;
let otherKey: string;

beforeAll(async () => {
  s = await startTestServer({ env: { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10' } });
  secondKey = (await s.api('/v1/api-keys', { body: { name: 'second' } })).body.key;
  otherKey = (await otherMerchant(s)).key;
  // Let the bucket the setup request used refill fully.
  await new Promise((r) => setTimeout(r, 400));
});
afterAll(async () => {
  await s?.close();
});

/** Spends the demo key's tokens until it is refused, so the next request is refused too. */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await s.api('/v1/orders')).status === 429) return;
  throw new Error('the demo key was never limited');
}

describe('rate limiting', () => {
  it('serves the burst of 10, then answers 429 rate_limited with retry-after', async () => {
    const started = performance.now();
    const burst = await Promise.all(Array.from({ length: 10 }, () => s.api('/v1/orders')));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    const eleventh = await s.api('/v1/orders');
    const elapsed = (performance.now() - started) / 1000;
    // At 5 tokens/s the 11th can only pass if the burst took over 200 ms (a very slow machine).
    if (elapsed < 0.2) {
      const e = expectError(eleventh, 429, 'rate_limited');
      expect(e.message).toMatch(/slow down|Too many/i);
    }
    let limited = eleventh;
    for (let i = 0; i < 20 && limited.status !== 429; i++) limited = await s.api('/v1/orders');
    expectError(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('request-id')).toMatch(/^req_/);
  });

  it('another key of the same merchant and another merchant are unaffected', async () => {
    // The demo key is exhausted...
    await drain();
    expectError(await s.api('/v1/orders'), 429, 'rate_limited');
    // ...but the others have their own buckets.
    const mine = await Promise.all(Array.from({ length: 5 }, () => s.api('/v1/orders', { key: secondKey })));
    expect(mine.map((r) => r.status)).toEqual(Array(5).fill(200));
    const theirs = await Promise.all(Array.from({ length: 5 }, () => s.api('/v1/products', { key: otherKey })));
    expect(theirs.map((r) => r.status)).toEqual(Array(5).fill(200));
  });

  it('applies to writes too, and a limited write creates nothing', async () => {
    const body = { retailer_id: 'rl-1', name: 'x', price: 1, currency: 'INR' };
    await drain();
    const r = await s.api('/v1/products', { body });
    expectError(r, 429, 'rate_limited');
    const list = await s.api('/v1/products?limit=100', { key: secondKey });
    expect(list.body.data.map((p: any) => p.retailer_id)).not.toContain('rl-1');
  });

  it('unauthenticated requests are refused (401) before touching any bucket', async () => {
    expectError(await s.api('/v1/orders', { key: null }), 401, 'unauthorized');
  });

  it('the bucket refills at the configured rate', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await Promise.all(Array.from({ length: 3 }, () => s.api('/v1/orders')));
    expect(after.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('health and metrics are not rate limited', async () => {
    const rs = await Promise.all(Array.from({ length: 15 }, () => s.api('/healthz', { key: null })));
    expect(rs.every((r) => r.status === 200)).toBe(true);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
