// Ten simultaneous partial refunds never exceed what was paid: the order row is
// locked and pending refunds count against the refundable amount.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

describe('concurrent refunds', () => {
  it('ten simultaneous partial refunds never exceed the amount paid', async () => {
    const order = (await s.api('/v1/orders', { body: sampleOrder() })).body;
    await payOrder(s, order.payment.url, 'success');
    await runUntilIdle(s);
    const paid = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(paid.payment_status).toBe('paid');
    const part = Math.floor(paid.amount_paid / 4) + 1; // at most 3 fit
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.api(`/v1/orders/${order.id}/refunds`, { body: { amount: part }, headers: { 'idempotency-key': `r-${i}` } })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(3);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_error');
      expect(r.body.error.details.refundable).toBeLessThan(part);
    }
    clock.advance(5_000);
    await runUntilIdle(s);
    clock.advance(120_000);
    await runUntilIdle(s);
    const after = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(after.amount_refunded).toBe(part * 3);
    expect(after.amount_refunded).toBeLessThanOrEqual(after.amount_paid);
    expect(after.payment_status).toBe('partially_refunded');
    // What is left can be refunded, and then nothing more.
    const rest = await s.api(`/v1/orders/${order.id}/refunds`, { body: {}, headers: { 'idempotency-key': 'rest' } });
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(paid.amount_paid - part * 3);
    const none = await s.api(`/v1/orders/${order.id}/refunds`, { body: { amount: 1 }, headers: { 'idempotency-key': 'none' } });
    expect(none.status).toBe(409);
    clock.advance(5_000);
    await runUntilIdle(s);
    clock.advance(120_000);
    await runUntilIdle(s);
    const done = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(done.payment_status).toBe('refunded');
    expect(done.amount_refunded).toBe(done.amount_paid);
  });
});
