// The database work of the hot paths, counted by the database handle (statements, each one
// round trip, and commits): a change that adds a statement to creating an order or to
// accepting a webhook shows up here, on both databases. The bounds are today's counts;
// lower them when an optimisation lands (the performance issue measures the throughput).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  s = await startTestServer({ clock, jobs: false });
});
afterAll(async () => {
  await s?.close();
});

/** The handle's counters moved by `fn`, averaged over `n` runs. */
async function costOf(n: number, fn: (i: number) => Promise<void>) {
  const before = s.ctx.db.stats();
  for (let i = 0; i < n; i++) await fn(i);
  const after = s.ctx.db.stats();
  return { statements: (after.statements - before.statements) / n, commits: (after.commits - before.commits) / n };
}

describe('database work per operation', () => {
  it('POST /v1/orders (catalog items, a payment link bill, Idempotency-Key)', async () => {
    // Warm: the merchant's settings and caches as after the first request.
    expect((await s.api('/v1/orders', { body: sampleOrder(), headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(201);
    const cost = await costOf(5, async () => {
      const r = await s.api('/v1/orders', { body: sampleOrder(), headers: { 'idempotency-key': crypto.randomUUID() } });
      expect(r.status).toBe(201);
    });
    console.log(`POST /v1/orders: ${cost.statements} statements, ${cost.commits} commits per order`);
    expect(cost.commits).toBeLessThanOrEqual(BOUNDS.orderCommits);
    expect(cost.statements).toBeLessThanOrEqual(BOUNDS.orderStatements);
  });

  it('GET /v1/orders/{id} (an authenticated read)', async () => {
    const o = await s.api('/v1/orders', { body: sampleOrder() });
    const cost = await costOf(5, async () => {
      expect((await s.api(`/v1/orders/${o.body.id}`)).status).toBe(200);
    });
    console.log(`GET /v1/orders/{id}: ${cost.statements} statements, ${cost.commits} commits`);
    expect(cost.commits).toBe(0);
    expect(cost.statements).toBeLessThanOrEqual(BOUNDS.readStatements);
  });
});

// Today's counts (both databases issue the same statements).
const BOUNDS = { orderStatements: 12, orderCommits: 1, readStatements: 3 };
