// The payment loop with the Stripe provider, over real HTTP against the local Stripe
// double: hosted checkout → Checkout Session → signed events (duplicated, reordered)
// → exactly one order.paid; the delayed-payment path; refunds with our rfd_ id as the
// Idempotency-Key; disputes; unmatched events; expiry closing the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { deliverStripeEvent, startStripeDouble, type StripeDouble } from '../fixtures/stripe-double.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let d: StripeDouble;
const clock = new ManualClock(new Date());
const SECRET = 'whsec_loop_secret_0123456789';

async function runUntilIdle(max = 50) {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(20)) === 0) return;
}
const deliver = async (event: Record<string, unknown>) => {
  const r = await deliverStripeEvent(s.base, s.merchantId, event, { secret: SECRET, timestamp: Math.floor(clock.now().getTime() / 1000) });
  expect(r.status).toBe(200);
  return r.body as { stored: number; duplicates: number };
};
const getOrder = async (id: string) => (await s.api(`/v1/orders/${id}`)).body;
const eventTypes = async (id: string): Promise<string[]> => (await s.api(`/v1/orders/${id}/events`)).body.data.map((e: any) => e.type);

/** An order billed with Stripe, checked out: the customer is at the session's URL. */
async function checkout(over: Record<string, unknown> = {}) {
  const order = (await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'payment_link', provider: 'stripe' }, ...over }) })).body;
  expect(order.payment.provider).toBe('stripe');
  const go = await fetch(`${order.payment.url}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  expect(go.status).toBe(303);
  const location = go.headers.get('location')!;
  const sessionId = location.split('/').pop()!;
  expect(location).toBe(`${d.url}/c/pay/${sessionId}`);
  return { order, sessionId };
}

beforeAll(async () => {
  d = await startStripeDouble();
  s = await startTestServer({ clock, env: { STRIPE_API_URL: d.url } });
  const put = await s.api('/v1/settings/providers/stripe', { method: 'PUT', body: { secret_key: 'sk_test_loop_merchant_1', webhook_secret: SECRET } });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await s?.close();
  await d?.close();
});

describe('payment loop (Stripe provider, against the Stripe double)', () => {
  let paid: { orderId: string; intentId: string };

  it('pays once for a session and its intent, however often and in whatever order they arrive', async () => {
    const { order, sessionId } = await checkout();
    const attempt = (await s.api(`/v1/orders/${order.id}/payments`)).body.data[0];
    expect(attempt.provider_object_id).toBe(sessionId);
    const create = d.requests.find((r) => r.path === '/v1/checkout/sessions' && r.body['client_reference_id'] === attempt.reference_id)!;
    expect(create.idempotencyKey).toBe(`chatcart-${attempt.id}`);
    expect(create.body['metadata']).toEqual({
      chatcart_payment_id: attempt.id,
      chatcart_reference_id: attempt.reference_id,
      chatcart_merchant_id: s.merchantId,
    });
    expect(create.body['line_items'][0]['price_data']).toMatchObject({ currency: 'inr', unit_amount: String(order.total) });
    // A second Pay click reuses the session.
    const again = await fetch(`${order.payment.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(again.headers.get('location')).toBe(`${d.url}/c/pay/${sessionId}`);

    const { session, intent } = d.complete(sessionId, 'paid');
    const completed = d.event('checkout.session.completed', session);
    const succeeded = d.event('payment_intent.succeeded', intent);
    // The intent's event first, then the session's, each delivered twice.
    expect(await deliver(succeeded)).toMatchObject({ stored: 1 });
    expect(await deliver(completed)).toMatchObject({ stored: 1 });
    expect(await deliver(completed)).toMatchObject({ duplicates: 1 });
    await runUntilIdle();
    expect(await deliver(succeeded)).toMatchObject({ duplicates: 1 });
    await runUntilIdle();

    const o = await getOrder(order.id);
    expect(o.payment_status).toBe('paid');
    expect(o.status).toBe('processing');
    expect(o.amount_paid).toBe(order.total);
    expect(o.payment.status).toBe('captured');
    const types = await eventTypes(order.id);
    expect(types.filter((t) => t === 'order.paid')).toHaveLength(1);
    expect(types.filter((t) => t === 'payment.captured')).toHaveLength(1);
    const rows = await s.db.query<{ n: number }>(`select count(*)::int as n from provider_payments where provider = 'stripe' and order_id = $1`, [order.id]);
    expect(rows[0]!.n).toBe(1);
    paid = { orderId: order.id, intentId: intent['id'] };
  });

  it('refunds with our rfd_ id as the Idempotency-Key; the refund webhook settles it', async () => {
    const r = await s.api(`/v1/orders/${paid.orderId}/refunds`, {
      body: { amount: 1000, reason: 'one item damaged' },
      headers: { 'idempotency-key': 'stripe-refund-1' },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('pending');
    const refundId: string = r.body.id;
    await runUntilIdle();
    const sent = d.requests.filter((x) => x.path === '/v1/refunds');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.idempotencyKey).toBe(refundId);
    expect(sent[0]!.body).toMatchObject({ payment_intent: paid.intentId, amount: '1000', metadata: { chatcart_refund_id: refundId } });
    const stripeRefund = [...d.refunds.values()].find((x) => x['metadata']['chatcart_refund_id'] === refundId)!;
    expect((await getOrder(paid.orderId)).payment_status).toBe('paid');

    const done = d.setRefundStatus(stripeRefund['id'], 'succeeded');
    await deliver(d.event('charge.refund.updated', done));
    await deliver(d.event('refund.updated', done));
    await runUntilIdle();
    const o = await getOrder(paid.orderId);
    expect(o.payment_status).toBe('partially_refunded');
    expect(o.amount_refunded).toBe(1000);
    const list = (await s.api(`/v1/orders/${paid.orderId}/refunds`)).body.data;
    expect(list).toMatchObject([{ id: refundId, status: 'succeeded', amount: 1000 }]);
    expect((await eventTypes(paid.orderId)).filter((t) => t === 'refund.succeeded')).toHaveLength(1);
  });

  it('records a dispute opened and then lost on the order timeline', async () => {
    await deliver(d.event('charge.dispute.created', d.dispute(paid.intentId, 'needs_response')));
    await runUntilIdle();
    await deliver(d.event('charge.dispute.closed', d.dispute(paid.intentId, 'lost')));
    await runUntilIdle();
    const events = (await s.api(`/v1/orders/${paid.orderId}/events`)).body.data.filter((e: any) => e.type.startsWith('dispute.'));
    expect(events.map((e: any) => e.type)).toEqual(['dispute.opened', 'dispute.lost']);
    expect(events[1].data).toMatchObject({ provider: 'stripe', provider_payment_id: paid.intentId, reason: 'fraudulent', status: 'lost', currency: 'INR' });
  });

  it('a delayed payment is not paid when the session completes unpaid, only when it succeeds', async () => {
    const { order, sessionId } = await checkout();
    const { session } = d.complete(sessionId, 'unpaid');
    await deliver(d.event('checkout.session.completed', session));
    await runUntilIdle();
    const waiting = await getOrder(order.id);
    expect(['unpaid', 'pending']).toContain(waiting.payment_status);
    expect(waiting.payment_status).toBe('pending'); // the lookup found the intent processing
    expect(await eventTypes(order.id)).not.toContain('order.paid');

    const settled = d.asyncSucceed(sessionId);
    await deliver(d.event('checkout.session.async_payment_succeeded', settled.session));
    await deliver(d.event('payment_intent.succeeded', settled.intent));
    await runUntilIdle();
    const o = await getOrder(order.id);
    expect(o.payment_status).toBe('paid');
    expect((await eventTypes(order.id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('a delayed payment that fails fails the bill', async () => {
    const { order, sessionId } = await checkout();
    d.complete(sessionId, 'unpaid');
    const failed = d.asyncFail(sessionId);
    await deliver(d.event('checkout.session.async_payment_failed', failed.session));
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('failed');
    expect(await eventTypes(order.id)).toContain('payment.failed');
  });

  it('a signed event for an unknown session is answered 200 and kept as unmatched', async () => {
    const stranger = {
      id: 'cs_test_not_ours',
      object: 'checkout.session',
      amount_total: 500,
      currency: 'inr',
      client_reference_id: 'not-a-ref',
      payment_intent: 'pi_test_not_ours',
      payment_status: 'paid',
      status: 'complete',
      metadata: {},
    };
    const event = d.event('checkout.session.completed', stranger);
    expect(await deliver(event)).toMatchObject({ stored: 1 });
    await runUntilIdle();
    const rows = await s.db.query<{ status: string }>(`select status from provider_events where event_id = $1`, [event['id']]);
    expect(rows).toEqual([{ status: 'unmatched' }]);
  });

  it('an unknown merchant in the URL is 404', async () => {
    const r = await deliverStripeEvent(s.base, 'mer_unknown', d.event('customer.created', { id: 'cus_1' }), { secret: SECRET });
    expect(r.status).toBe(404);
  });

  it('the poller finds a payment whose webhooks never came', async () => {
    const { order, sessionId } = await checkout();
    d.complete(sessionId, 'paid');
    clock.advance(60_000);
    await runUntilIdle();
    const o = await getOrder(order.id);
    expect(o.payment_status).toBe('paid');
    const ev = (await s.api(`/v1/orders/${order.id}/events`)).body.data.find((e: any) => e.type === 'payment.captured');
    expect(ev.data.verified_by).toBe('lookup');
  });

  it('expiry closes the open session at Stripe', async () => {
    const { order, sessionId } = await checkout({ expires_in: 600 });
    clock.advance(600_000 + 16 * 60_000);
    await runUntilIdle();
    expect(d.sessions.get(sessionId)!['status']).toBe('expired');
    const o = await getOrder(order.id);
    expect(o.payment_status).toBe('expired');
    // Stripe's own expired event afterwards changes nothing.
    await deliver(d.event('checkout.session.expired', d.view(sessionId)));
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('expired');
  });
});
