// The whole loop in sandbox mode, over HTTP: order → hosted checkout → sandbox PSP
// pay page → signed webhook → paid → processing → shipped → completed, and a
// partial refund. Jobs run only when the test says so (runUntilIdle).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const clock = new ManualClock(new Date());

async function runUntilIdle(max = 50) {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(20)) === 0) return;
}

async function payOnSandbox(payUrl: string, outcome: 'success' | 'failure' | 'pending') {
  const page = await fetch(payUrl);
  expect(page.status).toBe(200);
  const go = await fetch(`${payUrl}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  expect(go.status).toBe(303);
  const pspPage = go.headers.get('location')!;
  expect(pspPage).toContain('/sandbox/psp/pay/');
  const paid = await fetch(pspPage, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
  expect([200, 303]).toContain(paid.status);
  return pspPage;
}

beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

describe('payment loop (sandbox provider)', () => {
  it('pays, ships, completes and refunds part of an order', async () => {
    const created = await s.api('/v1/orders', { body: sampleOrder() });
    expect(created.status).toBe(201);
    const order = created.body;
    const payUrl: string = order.payment.url;

    // A GET (a link preview) changes nothing.
    const preview = await fetch(payUrl);
    const html = await preview.text();
    // The customer reads the bill's reference and the business's money, never our internal id.
    expect(html).toContain(`Order ${order.reference_id}`);
    expect(html).not.toContain(order.id);
    expect(html).toContain('Pay ₹558.00');
    expect(preview.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await s.api(`/v1/orders/${order.id}/payments`)).body.data[0].provider_object_id).toBeNull();

    await payOnSandbox(payUrl, 'success');
    await runUntilIdle();

    const paid = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(paid.payment_status).toBe('paid');
    expect(paid.status).toBe('processing');
    expect(paid.amount_paid).toBe(order.total);
    // The PSP's fee (2% + 18% tax on it by default, stated on its payment) is booked once, apart from amount_paid.
    const base = Math.round(order.total * 0.02);
    const feeTax = Math.round(base * 0.18);
    const ledger = (await s.api(`/v1/orders/${order.id}/ledger`)).body;
    expect(ledger.transactions.map((t: any) => t.kind).sort()).toEqual(['capture', 'fee']);
    expect(ledger.amount_paid).toBe(order.total);
    const bal = Object.fromEntries(ledger.balances.map((b: any) => [b.account, b.balance]));
    expect(bal).toMatchObject({ provider_fees: base, provider_fee_tax: feeTax, 'provider_clearing:sandbox': order.total - base - feeTax });
    const types = (await s.api(`/v1/orders/${order.id}/events`)).body.data.map((e: any) => e.type);
    expect(types.filter((t: string) => t === 'order.paid')).toHaveLength(1);
    expect(types).toContain('payment.checkout_created');

    for (const status of ['shipped', 'completed']) {
      expect((await s.api(`/v1/orders/${order.id}/status`, { body: { status } })).body.status).toBe(status);
    }

    const noKey = await s.api(`/v1/orders/${order.id}/refunds`, { body: { amount: 1000 } });
    expect(noKey.status).toBe(400);
    const refund = await s.api(`/v1/orders/${order.id}/refunds`, {
      body: { amount: 1000, reason: 'one item damaged' },
      headers: { 'idempotency-key': 'refund-1' },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('pending');
    clock.advance(5_000);
    await runUntilIdle();
    clock.advance(120_000);
    await runUntilIdle();
    const after = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(after.payment_status).toBe('partially_refunded');
    expect(after.amount_refunded).toBe(1000);
    const refunds = (await s.api(`/v1/orders/${order.id}/refunds`)).body.data;
    expect(refunds).toHaveLength(1);
    expect(refunds[0].status).toBe('succeeded');
  });

  it('a failed payment can be retried on the same link', async () => {
    const order = (await s.api('/v1/orders', { body: sampleOrder() })).body;
    await payOnSandbox(order.payment.url, 'failure');
    await runUntilIdle();
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).toBe('failed');
    await payOnSandbox(order.payment.url, 'success');
    await runUntilIdle();
    const o = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(o.payment_status).toBe('paid');
    expect(o.payment.status).toBe('captured');
  });

  it('a payment that lands after expiry goes to manual_review and is refunded by default', async () => {
    const order = (await s.api('/v1/orders', { body: sampleOrder({ expires_in: 600 }) })).body;
    await payOnSandbox(order.payment.url, 'pending');
    await runUntilIdle();
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).toBe('pending');
    // Past expiry and the grace period: the order expires with the payment still pending.
    clock.advance(600_000 + 16 * 60_000);
    await runUntilIdle();
    const expired = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(expired.payment_status).toBe('expired');
    expect(expired.status).toBe('canceled');
    // The customer's bank approves it now: late authorisation.
    const attempt = (await s.api(`/v1/orders/${order.id}/payments`)).body.data[0];
    const pspCheckout = attempt.provider_object_id as string;
    const creds = await sandboxCreds();
    const co = await (await fetch(`${s.base}/sandbox/psp/v1/checkouts/${pspCheckout}`, { headers: { authorization: creds } })).json();
    const cap = await fetch(`${s.base}/sandbox/psp/v1/payments/${co.payments[0].id}/capture`, { method: 'POST', headers: { authorization: creds } });
    expect(cap.status).toBe(200);
    await runUntilIdle();
    const review = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(['manual_review', 'refunded']).toContain(review.payment_status);
    expect(review.review.reason).toBe('paid_after_expiry');
    clock.advance(120_000);
    await runUntilIdle();
    const refunded = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(refunded.payment_status).toBe('refunded');
    const events = (await s.api(`/v1/orders/${order.id}/events`)).body.data.map((e: any) => e.type);
    expect(events).toContain('payment.manual_review');
    expect(events).toContain('refund.succeeded');
    expect(events).not.toContain('order.paid');
  });
});

async function sandboxCreds(): Promise<string> {
  const { openProviderAccount } = await import('../../src/modules/payments/payments.provider-accounts.ts');
  const acc = (await openProviderAccount(s.ctx, s.ctx.db, s.merchantId, 'sandbox'))!;
  return `Basic ${Buffer.from(`${acc.credentials['key_id']}:${acc.credentials['key_secret']}`).toString('base64')}`;
}
