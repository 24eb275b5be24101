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

const settle = () => new Promise((r) => setTimeout(r, 40));

/**
 * The handle's counters moved by `fn`, averaged over `n` runs. The live stream's wake-up
 * (one NOTIFY per node per 10 ms in which something changed, sent after the commit, outside
 * the operation's transaction: platform/stream-wake.ts) is counted apart as `wakeups`.
 */
async function costOf(n: number, fn: (i: number) => Promise<void>) {
  await settle();
  const before = s.ctx.db.stats();
  const sentBefore = s.ctx.stream?.sent ?? 0;
  for (let i = 0; i < n; i++) {
    await fn(i);
    await settle(); // the wake-up of this operation lands in its own window
  }
  const after = s.ctx.db.stats();
  const wakeups = ((s.ctx.stream?.sent ?? 0) - sentBefore) / n;
  // On PGlite a wake-up stays in the process: no statement.
  const wakeStatements = s.ctx.db.kind === 'postgres' ? wakeups : 0;
  return { statements: (after.statements - before.statements) / n - wakeStatements, commits: (after.commits - before.commits) / n, wakeups };
}

describe('database work per operation', () => {
  it('POST /v1/orders (catalog items, a payment link bill, Idempotency-Key)', async () => {
    // Warm: the merchant's settings and caches as after the first request.
    expect((await s.api('/v1/orders', { body: sampleOrder(), headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(201);
    const cost = await costOf(5, async () => {
      const r = await s.api('/v1/orders', { body: sampleOrder(), headers: { 'idempotency-key': crypto.randomUUID() } });
      expect(r.status).toBe(201);
    });
    console.log(`POST /v1/orders: ${cost.statements} statements, ${cost.commits} commits per order, and ${cost.wakeups} stream wake-up after it`);
    expect(cost.wakeups).toBeLessThanOrEqual(1);
    expect(cost.commits).toBeLessThanOrEqual(BOUNDS.orderCommits);
    expect(cost.statements).toBeLessThanOrEqual(BOUNDS.orderStatements);
  });

  it('GET /v1/orders/{id} (an authenticated read)', async () => {
    const o = await s.api('/v1/orders', { body: sampleOrder() });
    const cost = await costOf(5, async () => {
      expect((await s.api(`/v1/orders/${o.body.id}`)).status).toBe(200);
    });
    console.log(`GET /v1/orders/{id}: ${cost.statements} statements, ${cost.commits} commits`);
    expect(cost.wakeups).toBe(0);
    expect(cost.commits).toBe(0);
    expect(cost.statements).toBeLessThanOrEqual(BOUNDS.readStatements);
  });
});

// Today's counts (both databases issue the same statements).
const BOUNDS = { orderStatements: 10, orderCommits: 1, readStatements: 3 };
