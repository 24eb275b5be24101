// Razorpay end to end over real HTTP: a chatcart test server whose Razorpay adapter
// talks to the local Razorpay API double (RAZORPAY_API_URL). Order → /pay → payment
// link → the customer pays at the double → signed webhooks (the same capture as
// payment.captured, payment_link.paid and order.paid, duplicated and reordered) →
// paid once; late authorisation; refunds with X-Refund-Idempotency; disputes;
// signatures that must store nothing; secret rotation. Jobs run only when the test
// says so (runUntilIdle), as in payment-loop.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { phpJson, razorpayWebhookUrl, signRazorpay, startRazorpayDouble, type RazorpayDouble } from '../fixtures/razorpay-double.ts';
import { otherMerchant } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let d: RazorpayDouble;
const clock = new ManualClock(new Date());
const KEY = { keyId: 'rzp_test_e2e_merchant1', keySecret: 'rzp_secret_e2e_merchant1' };
const SECRET = 'rzp_whsec_first_0123456789';
const NEXT_SECRET = 'rzp_whsec_second_9876543210';

async function runUntilIdle(max = 50) {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(20)) === 0) return;
}
const inbox = async () =>
  await s.db.query<{ event_id: string; event_type: string; status: string }>(
    `select event_id, event_type, status from provider_events where provider = 'razorpay' order by received_at, id`,
  );
const send = (env: Record<string, unknown> | string, o: { secret?: string; eventId?: string | null; signature?: string | null } = {}) =>
  d.deliver(razorpayWebhookUrl(s.base, s.merchantId), env, { secret: SECRET, ...o });
const getOrder = async (id: string) => (await s.api(`/v1/orders/${id}`)).body;
const eventTypes = async (id: string): Promise<string[]> => (await s.api(`/v1/orders/${id}/events`)).body.data.map((e: any) => e.type);

/** A Razorpay order: created, then the customer proceeds on /pay and is sent to the link's short_url. */
async function orderWithLink(over: Record<string, unknown> = {}) {
  const created = await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'payment_link', provider: 'razorpay' }, send: false, ...over }) });
  expect(created.status).toBe(201);
  const order = created.body;
  const go = await fetch(`${order.payment.url}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  expect(go.status).toBe(303);
  const link = d.linkByReference(order.payment.reference_id)!;
  expect(link).toBeDefined();
  expect(go.headers.get('location')).toBe(link.short_url);
  expect(link.amount).toBe(order.total);
  return { order, link };
}

beforeAll(async () => {
  d = await startRazorpayDouble({ accounts: [KEY] });
  s = await startTestServer({ clock, env: { RAZORPAY_API_URL: d.url } });
  const put = await s.api('/v1/settings/providers/razorpay', { method: 'PUT', body: { key_id: KEY.keyId, key_secret: KEY.keySecret, webhook_secret: SECRET } });
  expect(put.status).toBe(200);
  expect(put.body.webhook_url).toBe(razorpayWebhookUrl(s.base, s.merchantId));
});
afterAll(async () => {
  await s?.close();
  await d?.close();
});

describe('Razorpay payment loop', () => {
  let paidOrder: any;
  let paymentId: string;

  it('one capture told three ways, duplicated and reordered, pays the order exactly once', async () => {
    const { order, link } = await orderWithLink();
    const p = d.pay(link.id);
    paymentId = p.id;
    const captured = d.event('payment.captured', { payment: p.id });
    const linkPaid = d.event('payment_link.paid', { payment_link: link.id, order: link.order_id, payment: p.id });
    const orderPaid = d.event('order.paid', { order: link.order_id, payment: p.id });
    const r1 = await send(linkPaid, { eventId: 'evt_e2e_linkpaid_1' });
    expect(r1).toMatchObject({ status: 200, body: { received: true, stored: 1, duplicates: 0 } });
    // Concurrent: the same delivery twice, and order.paid at once.
    const burst = await Promise.all([
      send(orderPaid, { eventId: 'evt_e2e_orderpaid_1' }),
      send(linkPaid, { eventId: 'evt_e2e_linkpaid_1' }),
      send(orderPaid, { eventId: 'evt_e2e_orderpaid_1' }),
    ]);
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(burst.reduce((n, r) => n + r.body.stored, 0)).toBe(1);
    await runUntilIdle();
    // payment.captured last, twice with two event ids (Razorpay's DuitNow duplicate case).
    expect((await send(captured, { eventId: 'evt_e2e_captured_1' })).status).toBe(200);
    expect((await send(captured, { eventId: 'evt_e2e_captured_2' })).status).toBe(200);
    await runUntilIdle();

    const o = await getOrder(order.id);
    expect(o).toMatchObject({ payment_status: 'paid', status: 'processing', amount_paid: order.total });
    expect(o.payment.status).toBe('captured');
    // The payment entity's fee (tax included) and tax are booked once, and leave amount_paid alone.
    const fee = d.payment(p.id).fee as number;
    const feeTax = d.payment(p.id).tax as number;
    expect(fee).toBeGreaterThan(0);
    const ledger = (await s.api(`/v1/orders/${order.id}/ledger`)).body;
    expect(ledger.transactions.map((t: any) => t.kind).sort()).toEqual(['capture', 'fee']);
    expect(ledger.amount_paid).toBe(order.total);
    const bal = Object.fromEntries(ledger.balances.map((b: any) => [b.account, b.balance]));
    expect(bal).toMatchObject({ provider_fees: fee - feeTax, provider_fee_tax: feeTax, 'provider_clearing:razorpay': order.total - fee });
    const types = await eventTypes(order.id);
    expect(types.filter((t) => t === 'order.paid')).toHaveLength(1);
    expect(types.filter((t) => t === 'payment.captured')).toHaveLength(1);
    const rows = (await inbox()).filter((r) => r.event_id.startsWith('evt_e2e_'));
    expect(rows.map((r) => r.event_id).sort()).toEqual(['evt_e2e_captured_1', 'evt_e2e_captured_2', 'evt_e2e_linkpaid_1', 'evt_e2e_orderpaid_1']);
    expect(rows.filter((r) => r.status === 'processed')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'ignored')).toHaveLength(3);
    paidOrder = o;
  });

  it('payment.authorized alone is pending, never paid; the late capture pays', async () => {
    const { order, link } = await orderWithLink();
    const p = d.pay(link.id, { capture: false });
    expect((await send(d.event('payment.authorized', { payment: p.id }))).status).toBe(200);
    await runUntilIdle();
    let o = await getOrder(order.id);
    expect(o.payment_status).toBe('pending');
    expect(await eventTypes(order.id)).not.toContain('order.paid');
    // The poller's lookup sees the same: authorized is not captured.
    clock.advance(60_000);
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('pending');
    // The bank answers late: captured.
    d.capture(p.id);
    expect((await send(d.event('payment.captured', { payment: p.id }))).status).toBe(200);
    // A stale authorized event arriving after the capture changes nothing.
    expect((await send(d.event('payment.authorized', { payment: p.id }))).status).toBe(200);
    await runUntilIdle();
    o = await getOrder(order.id);
    expect(o.payment_status).toBe('paid');
    expect((await eventTypes(order.id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });

  it('a failed payment fails the attempt', async () => {
    const { order, link } = await orderWithLink();
    const p = d.pay(link.id, { fail: true });
    expect((await send(d.event('payment.failed', { payment: p.id }))).status).toBe(200);
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('failed');
  });

  it('refunds reach Razorpay with X-Refund-Idempotency = our rfd_ id, and refund.processed settles them', async () => {
    d.state.refundStatus = 'pending';
    const r = await s.api(`/v1/orders/${paidOrder.id}/refunds`, {
      body: { amount: 1000, reason: 'one item damaged' },
      headers: { 'idempotency-key': 'rzp-refund-1' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'pending', amount: 1000 });
    const refundId: string = r.body.id;
    expect(refundId).toMatch(/^rfd_/);
    await runUntilIdle();
    const call = d.requests.find((q) => q.path === `/v1/payments/${paymentId}/refund`)!;
    expect(call.headers['x-refund-idempotency']).toBe(refundId);
    expect(call.body).toEqual({ amount: 1000, speed: 'normal', notes: { chatcart_refund_id: refundId } });
    const rfnd = [...d.refunds.values()].find((x) => x.notes.chatcart_refund_id === refundId)!;
    expect((await getOrder(paidOrder.id)).payment_status).toBe('paid');

    // refund.created says pending (no change); refund.processed settles it.
    expect((await send(d.event('refund.created', { refund: rfnd.id, payment: paymentId }))).status).toBe(200);
    await runUntilIdle();
    expect((await getOrder(paidOrder.id)).payment_status).toBe('paid');
    d.settleRefund(rfnd.id, 'processed');
    expect((await send(d.event('refund.processed', { refund: rfnd.id, payment: paymentId }))).status).toBe(200);
    await runUntilIdle();
    let o = await getOrder(paidOrder.id);
    expect(o).toMatchObject({ payment_status: 'partially_refunded', amount_refunded: 1000 });
    const refunds = (await s.api(`/v1/orders/${paidOrder.id}/refunds`)).body.data;
    expect(refunds[0]).toMatchObject({ id: refundId, status: 'succeeded' });

    // The rest, processed at once by Razorpay: refunded.
    d.state.refundStatus = 'processed';
    const rest = await s.api(`/v1/orders/${paidOrder.id}/refunds`, { body: {}, headers: { 'idempotency-key': 'rzp-refund-2' } });
    expect(rest.status).toBe(201);
    await runUntilIdle();
    o = await getOrder(paidOrder.id);
    expect(o).toMatchObject({ payment_status: 'refunded', amount_refunded: paidOrder.total });
    expect(d.payment(paymentId).status).toBe('refunded');
    // Its webhook, arriving after the call already settled it, is a no-op.
    const rfnd2 = [...d.refunds.values()].find((x) => x.notes.chatcart_refund_id === rest.body.id)!;
    expect((await send(d.event('refund.processed', { refund: rfnd2.id, payment: paymentId }))).status).toBe(200);
    await runUntilIdle();
    expect((await eventTypes(paidOrder.id)).filter((t) => t === 'refund.succeeded')).toHaveLength(2);
  });

  it('payment.dispute.created then payment.dispute.lost land on the timeline; a late created does not reopen', async () => {
    const disp = d.openDispute(paymentId, { reason_code: 'goods_not_received' });
    expect((await send(d.event('payment.dispute.created', { payment: paymentId, dispute: disp.id }))).status).toBe(200);
    await runUntilIdle();
    d.setDispute(disp.id, 'lost');
    expect((await send(d.event('payment.dispute.lost', { payment: paymentId, dispute: disp.id }))).status).toBe(200);
    d.setDispute(disp.id, 'open');
    expect((await send(d.event('payment.dispute.created', { payment: paymentId, dispute: disp.id }))).status).toBe(200);
    await runUntilIdle();
    const events = (await s.api(`/v1/orders/${paidOrder.id}/events`)).body.data.filter((e: any) => e.type.startsWith('dispute.'));
    expect(events.map((e: any) => e.type)).toEqual(['dispute.opened', 'dispute.lost']);
    expect(events[0].data).toMatchObject({ provider: 'razorpay', provider_dispute_id: disp.id, provider_payment_id: paymentId, reason: 'goods_not_received' });
  });

  it('a signed event for a link we do not know is answered 200 and kept as unmatched', async () => {
    const stray = await fetch(`${d.url}/v1/payment_links`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${KEY.keyId}:${KEY.keySecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 12_300, currency: 'INR', reference_id: 'NOT-A-CHATCART-BILL' }),
    }).then((r) => r.json());
    const p = d.pay(stray.id);
    const r = await send(d.event('payment_link.paid', { payment_link: stray.id, order: d.link(stray.id).order_id, payment: p.id }), {
      eventId: 'evt_e2e_stray_1',
    });
    expect(r).toMatchObject({ status: 200, body: { stored: 1 } });
    await runUntilIdle();
    expect((await inbox()).find((x) => x.event_id === 'evt_e2e_stray_1')!.status).toBe('unmatched');
  });

  it('an unknown merchant, or one without Razorpay, is a 404', async () => {
    const env = d.event('payment.captured', { payment: paymentId });
    const r = await d.deliver(razorpayWebhookUrl(s.base, 'mer_00000000000000000000000000'), env, { secret: SECRET });
    expect(r.status).toBe(404);
    const other = await otherMerchant(s, 'No Razorpay');
    expect((await d.deliver(razorpayWebhookUrl(s.base, other.merchantId), env, { secret: SECRET })).status).toBe(404);
  });
});

describe('Razorpay webhook signatures', () => {
  it('refuses forged, truncated, re-serialized, unsigned and malformed deliveries, storing nothing', async () => {
    const { order, link } = await orderWithLink();
    const p = d.pay(link.id);
    const env = d.event('payment_link.paid', { payment_link: link.id, order: link.order_id, payment: p.id });
    const wire = phpJson(env);
    const good = signRazorpay(wire, SECRET);
    const before = { rows: (await inbox()).length, order: await getOrder(order.id), events: await eventTypes(order.id) };
    const reserialized = JSON.stringify(JSON.parse(wire));
    expect(reserialized).not.toBe(wire);
    const cases: [string, string, { secret?: string; signature?: string | null }, number][] = [
      ['forged (wrong secret)', wire, { secret: 'rzp_whsec_not_the_merchants' }, 401],
      ['truncated body', wire.slice(0, -1), { signature: good }, 401],
      ['re-serialized body', reserialized, { signature: good }, 401],
      ['pretty-printed body', JSON.stringify(env, null, 2), { signature: good }, 401],
      ['signature of another body', wire, { signature: signRazorpay(`${wire} `, SECRET) }, 401],
      ['missing header', wire, { signature: null }, 400],
      ['truncated signature', wire, { signature: good.slice(0, 40) }, 400],
      ['prefixed signature', wire, { signature: `sha256=${good}` }, 400],
    ];
    for (const [label, body, o, status] of cases) {
      const r = await send(body, { eventId: `evt_bad_${label.replace(/\W/g, '_')}`, ...o });
      expect(r.status, label).toBe(status);
      expect(r.body.error.code, label).toBe(status === 400 ? 'validation_error' : 'unauthorized');
    }
    await runUntilIdle();
    expect((await inbox()).length).toBe(before.rows);
    expect(await getOrder(order.id)).toEqual(before.order);
    expect(await eventTypes(order.id)).toEqual(before.events);

    // The genuine delivery, byte for byte: paid.
    expect((await send(wire, { signature: good })).status).toBe(200);
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('paid');
  });

  it('during a secret rotation both the old and the new secret are accepted', async () => {
    const put = await s.api('/v1/settings/providers/razorpay', {
      method: 'PUT',
      body: { key_id: KEY.keyId, key_secret: KEY.keySecret, webhook_secret: NEXT_SECRET },
    });
    expect(put.status).toBe(200);
    const { order, link } = await orderWithLink();
    const p = d.pay(link.id);
    const oldSigned = await send(d.event('payment.captured', { payment: p.id }), { secret: SECRET });
    const newSigned = await send(d.event('payment_link.paid', { payment_link: link.id, order: link.order_id, payment: p.id }), { secret: NEXT_SECRET });
    expect([oldSigned.status, newSigned.status]).toEqual([200, 200]);
    expect((await send(d.event('order.paid', { order: link.order_id, payment: p.id }), { secret: 'rzp_whsec_neither_of_them' })).status).toBe(401);
    await runUntilIdle();
    expect((await getOrder(order.id)).payment_status).toBe('paid');
    expect((await eventTypes(order.id)).filter((t) => t === 'order.paid')).toHaveLength(1);
  });
});
