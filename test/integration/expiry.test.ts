// Order expiry end to end through the job queue, with a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/platform/context.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { cancelOrder } from '../../src/modules/orders/orders.change.ts';
import { createOrder, type CreateOrderInput } from '../../src/modules/orders/orders.create.ts';
import { jobHandlers } from '../../src/composition/job-handlers.ts';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import { listJobs, type JobRow } from '../../src/platform/jobs/jobs.repository.ts';
import { getOrder } from '../../src/modules/orders/orders.repository.ts';
import { listPaymentsForOrder } from '../../src/modules/orders/payment-attempts.repository.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;
let runner: JobRunner;
let merchantId: string;

const input = (over: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  customer: { wa_id: '919812345678', name: 'Ravi' },
  currency: 'INR',
  items: [{ name: 'Masala chai', amount: 4500, quantity: 2 }],
  payment: { method: 'payment_link' },
  expires_in: 600,
  send: false,
  ...over,
});

async function newOrder(over: Partial<CreateOrderInput> = {}) {
  const r = await ctx.db.transaction((tx) => createOrder(ctx, tx, { source: 'api', id: 'key_test' }, merchantId, input(over)));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const eventsOf = (orderId: string) =>
  db.query<{ seq: number; type: string; source: string; actor: string | null; data: Record<string, unknown> }>(
    `select seq, type, source, actor, data from events where order_id = $1 order by seq`,
    [orderId],
  );
const jobsFor = async (orderId: string) => (await listJobs(db)).filter((j) => j.payload['order_id'] === orderId);
const snapshot = async (orderId: string) => ({
  order: await getOrder(db, merchantId, orderId),
  payments: await listPaymentsForOrder(db, merchantId, orderId),
  events: await eventsOf(orderId),
  jobs: (await jobsFor(orderId)).map((j) => ({ kind: j.kind, status: j.status, dedupe_key: j.dedupe_key })),
});

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  runner = new JobRunner({ db, clock: ctx.clock, log: ctx.log, handlers: jobHandlers(ctx), concurrency: 8, leaseMs: 60_000, pollMs: 50 });
  merchantId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Chai Co'))).merchant.id;
});
afterAll(async () => {
  await db?.close();
});

describe('order expiry', () => {
  it('expires an unpaid order once its time is up, and only then', async () => {
    const { order, payment } = await newOrder();
    expect(order.expires_at.getTime()).toBe(ctx.clock.now().getTime() + 600_000);
    const expireJob = (await jobsFor(order.id)).find((j) => j.kind === 'order.expire')!;
    expect(expireJob.run_at).toEqual(order.expires_at);
    expect(expireJob.dedupe_key).toBe(`order.expire:${order.id}`);

    // Before expiry: nothing is due, nothing changes.
    ctx.clock.advance(599_000);
    const before = await snapshot(order.id);
    expect(await runner.runOnce()).toBe(0);
    expect(await snapshot(order.id)).toEqual(before);
    expect(before.order!.status).toBe('pending');
    expect(before.order!.payment_status).toBe('unpaid');

    ctx.clock.advance(1_001);
    expect(await runner.runOnce()).toBe(1);

    const after = (await getOrder(db, merchantId, order.id))!;
    expect(after.status).toBe('canceled');
    expect(after.payment_status).toBe('expired');
    expect(after.cancel_reason).toBe('expired');
    expect(after.event_seq).toBe(3);
    const [attempt] = await listPaymentsForOrder(db, merchantId, order.id);
    expect(attempt!.id).toBe(payment.id);
    expect(attempt!.status).toBe('expired');

    const events = await eventsOf(order.id);
    expect(events.map((e) => [e.seq, e.type, e.source])).toEqual([
      [1, 'order.created', 'api'],
      [2, 'payment.expired', 'job'],
      [3, 'order.expired', 'job'],
    ]);
    expect(events[1]!.data).toMatchObject({ payment_id: payment.id, reference_id: payment.reference_id });
    expect(events[2]!.data).toMatchObject({ status: 'canceled', payment_status: 'expired', closed_payments: [payment.id] });

    const jobs = await jobsFor(order.id);
    const byKind = (k: string) => jobs.filter((j) => j.kind === k);
    expect(byKind('order.expire').map((j) => j.status)).toEqual(['done']);
    const updates = byKind('customer.order_update');
    expect(updates).toHaveLength(1);
    // Queued in the expiry's transaction (the runner may already have run it).
    expect(['queued', 'done']).toContain(updates[0]!.status);
    expect(updates[0]!.payload).toMatchObject({ order_id: order.id, update: 'expired', seq: 3 });
    expect(byKind('bill.send')).toHaveLength(0); // created with send: false
    expect(byKind('payment.close_at_provider')).toHaveLength(0); // payload carries payment_id, not order_id
    const close = (await listJobs(db, { kind: 'payment.close_at_provider' })).filter((j) => j.payload['payment_id'] === payment.id);
    expect(close).toHaveLength(1);
    expect(['queued', 'done']).toContain(close[0]!.status);
  });

  it('running the expiry again changes nothing', async () => {
    const { order } = await newOrder();
    ctx.clock.advance(601_000);
    await runner.runOnce();
    const once = await snapshot(order.id);
    expect(once.order!.payment_status).toBe('expired');

    // The same job delivered again (at-least-once), straight through the handler.
    const handler = jobHandlers(ctx)['order.expire']!;
    const job = (await jobsFor(order.id)).find((j) => j.kind === 'order.expire')! as JobRow;
    ctx.clock.advance(1000);
    await handler(job);
    await handler(job);
    expect(await snapshot(order.id)).toEqual(once);
    expect(once.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it("a canceled order's expiry job is a no-op", async () => {
    const { order } = await newOrder();
    const canceled = await inTransaction(ctx, (tx) =>
      cancelOrder(ctx, tx, { source: 'api', id: 'key_test' }, merchantId, order.id, 'customer changed their mind'),
    );
    expect(canceled.ok).toBe(true);
    const before = await snapshot(order.id);
    expect(before.order!.status).toBe('canceled');
    expect(before.order!.payment_status).toBe('canceled');
    expect(before.events.map((e) => e.type)).toEqual(['order.created', 'payment.canceled', 'order.canceled']);

    ctx.clock.advance(601_000);
    await runner.runOnce();
    const after = await snapshot(order.id);
    expect(after.order).toEqual(before.order);
    expect(after.payments).toEqual(before.payments);
    expect(after.events).toEqual(before.events);
    expect(after.jobs.find((j) => j.kind === 'order.expire')!.status).toBe('done');
    expect(after.jobs.filter((j) => j.kind === 'customer.order_update')).toHaveLength(1); // the cancel's, not a second
  });

  it('an expiry job that runs early re-schedules itself for the real expiry', async () => {
    const { order } = await newOrder({ expires_in: 3600 });
    const handler = jobHandlers(ctx)['order.expire']!;
    const job = (await jobsFor(order.id)).find((j) => j.kind === 'order.expire')!;
    await handler(job); // e.g. a sweep that raced a newer expiry time
    expect((await getOrder(db, merchantId, order.id))!.status).toBe('pending');
    const retry = (await jobsFor(order.id)).filter((j) => j.kind === 'order.expire' && j.dedupe_key !== `order.expire:${order.id}`);
    expect(retry).toHaveLength(1);
    expect(retry[0]!.run_at).toEqual(order.expires_at);
  });
});
