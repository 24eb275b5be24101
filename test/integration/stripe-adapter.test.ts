// The Stripe adapter (official SDK) against the local Stripe double over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeAdapter } from '../../src/adapters/providers/stripe/stripe.adapter.ts';
import { ProviderRejectedError, ProviderUnavailableError, type CheckoutRequest } from '../../src/platform/payment-provider.port.ts';
import { startStripeDouble, type StripeDouble } from '../fixtures/stripe-double.ts';

let d: StripeDouble;
const creds = { secret_key: 'sk_test_adapter_1' };
let n = 0;
const req = (over: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  paymentId: `pay_adapter_${++n}`,
  referenceId: `ref-${n}`,
  amount: 28500,
  currency: 'INR',
  description: 'Chai shop: order ord_1',
  customer: { wa_id: '919876543210', name: 'Asha' },
  expiresAt: new Date(Date.now() + 3600_000),
  returnUrl: 'http://127.0.0.1:1/pay/tok',
  merchantId: 'mer_1',
  ...over,
});

beforeAll(async () => {
  d = await startStripeDouble();
});
afterAll(async () => {
  await d?.close();
});

describe('Stripe adapter against the double', () => {
  const stripe = () => createStripeAdapter({ apiUrl: d.url });

  it('creates a Checkout Session with our reference, metadata, expiry and idempotency key', async () => {
    const r = req({ expiresAt: new Date(Date.now() + 600_000) });
    const co = await stripe().createCheckout(creds, r);
    expect(co.providerObjectId).toMatch(/^cs_test_/);
    expect(co.url).toBe(`${d.url}/c/pay/${co.providerObjectId}`);
    // 10 minutes is below Stripe's 30-minute minimum: clamped up.
    expect(co.expiresAt.getTime()).toBeGreaterThanOrEqual(Date.now() + 30 * 60_000);
    const sent = d.requests.find((x) => x.path === '/v1/checkout/sessions')!;
    expect(sent.idempotencyKey).toBe(`chatcart-${r.paymentId}`);
    expect(sent.authorization).toBe('Bearer sk_test_adapter_1');
    expect(sent.body).toMatchObject({
      mode: 'payment',
      client_reference_id: r.referenceId,
      success_url: r.returnUrl,
      cancel_url: r.returnUrl,
      line_items: [{ quantity: '1', price_data: { currency: 'inr', unit_amount: '28500', product_data: { name: r.description } } }],
      metadata: { chatcart_payment_id: r.paymentId, chatcart_reference_id: r.referenceId, chatcart_merchant_id: 'mer_1' },
      payment_intent_data: { metadata: { chatcart_payment_id: r.paymentId, chatcart_reference_id: r.referenceId, chatcart_merchant_id: 'mer_1' } },
    });
    expect(Number(sent.body['expires_at'])).toBe(co.expiresAt.getTime() / 1000);
  });

  it('the same payment twice is the same session (a double click, a retry)', async () => {
    const r = req();
    const before = d.sessions.size;
    const [a, b] = [await stripe().createCheckout(creds, r), await stripe().createCheckout(creds, r)];
    expect(b.providerObjectId).toBe(a.providerObjectId);
    expect(d.sessions.size).toBe(before + 1);
  });

  it('a retry whose clamped expiry moved on still gets a session (keyed by its parameters), once', async () => {
    const r = req({ expiresAt: new Date(Date.now() + 30 * 86400_000) });
    const first = await createStripeAdapter({ apiUrl: d.url, now: () => new Date() }).createCheckout(creds, r);
    // Two hours later (a lost response, retried): Stripe refuses the old key with new parameters.
    const later = createStripeAdapter({ apiUrl: d.url, now: () => new Date(Date.now() + 2 * 3600_000) });
    // The double checks expiry against its own clock: pin the request inside its bounds.
    const retry = { ...r, expiresAt: new Date(Date.now() + 3 * 3600_000) };
    const second = await later.createCheckout(creds, retry);
    expect(second.providerObjectId).not.toBe(first.providerObjectId);
    const keys = d.requests.filter((x) => x.path === '/v1/checkout/sessions' && x.body['client_reference_id'] === r.referenceId).map((x) => x.idempotencyKey);
    expect(keys).toEqual([`chatcart-${r.paymentId}`, `chatcart-${r.paymentId}`, expect.stringMatching(new RegExp(`^chatcart-${r.paymentId}-[0-9a-f]{16}$`))]);
    expect((await later.createCheckout(creds, retry)).providerObjectId).toBe(second.providerObjectId);
  });

  it('zero-decimal currencies are sent as is, lowercased', async () => {
    const co = await stripe().createCheckout(creds, req({ amount: 1500, currency: 'JPY' }));
    expect(d.sessions.get(co.providerObjectId)).toMatchObject({ currency: 'jpy', amount_total: 1500 });
  });

  it('looks a session up: open, paid, delayed, failed', async () => {
    const a = stripe();
    const r = req();
    const co = await a.createCheckout(creds, r);
    expect(await a.lookup(creds, co.providerObjectId, r.referenceId)).toEqual({ objectStatus: 'open', payments: [] });
    const { intent } = d.complete(co.providerObjectId, 'paid');
    expect(await a.lookup(creds, co.providerObjectId, r.referenceId)).toEqual({
      objectStatus: 'paid',
      payments: [{ providerPaymentId: intent['id'], status: 'captured', amount: 28500, currency: 'INR', referenceId: r.referenceId }],
    });
    const get = d.requests.filter((x) => x.method === 'GET').at(-1)!;
    expect(decodeURIComponent(get.path)).toContain('expand[0]=payment_intent');

    const r2 = req();
    const co2 = await a.createCheckout(creds, r2);
    const delayed = d.complete(co2.providerObjectId, 'unpaid');
    expect(await a.lookup(creds, co2.providerObjectId, r2.referenceId)).toEqual({
      objectStatus: 'open',
      payments: [{ providerPaymentId: delayed.intent['id'], status: 'pending', amount: 28500, currency: 'INR', referenceId: r2.referenceId }],
    });
    d.asyncFail(co2.providerObjectId);
    expect((await a.lookup(creds, co2.providerObjectId, r2.referenceId)).payments[0]!.status).toBe('failed');
  });

  it('refunds with our rfd_ id as the idempotency key and in metadata', async () => {
    const a = stripe();
    const co = await a.createCheckout(creds, req());
    const { intent } = d.complete(co.providerObjectId, 'paid');
    const refund = { refundId: 'rfd_adapter_1', providerPaymentId: intent['id'], amount: 1000, currency: 'INR' };
    const r1 = await a.refund(creds, refund);
    const r2 = await a.refund(creds, refund);
    expect(r1).toEqual({ providerRefundId: expect.stringMatching(/^re_test_/), status: 'pending' });
    expect(r2.providerRefundId).toBe(r1.providerRefundId);
    const sent = d.requests.filter((x) => x.path === '/v1/refunds');
    expect(sent.map((x) => x.idempotencyKey)).toEqual(['rfd_adapter_1', 'rfd_adapter_1']);
    expect(sent[0]!.body).toMatchObject({ payment_intent: intent['id'], amount: '1000', metadata: { chatcart_refund_id: 'rfd_adapter_1' } });
    expect([...d.refunds.values()].filter((x) => x['metadata']['chatcart_refund_id'] === 'rfd_adapter_1')).toHaveLength(1);
    // Asking again is how the job checks on a pending refund: the replayed answer is pending, the refund now is not.
    d.setRefundStatus(r1.providerRefundId, 'succeeded');
    expect(await a.refund(creds, refund)).toEqual({ providerRefundId: r1.providerRefundId, status: 'succeeded' });
    d.refundStartStatus = 'succeeded';
    expect((await a.refund(creds, { ...refund, refundId: 'rfd_adapter_2', amount: 500 })).status).toBe('succeeded');
    d.refundStartStatus = 'pending';
    await expect(a.refund(creds, { ...refund, refundId: 'rfd_adapter_3', amount: 1_000_000 })).rejects.toMatchObject({ status: 400 });
  });

  it('cancels an open session; a complete or expired one reports its state', async () => {
    const a = stripe();
    const open = await a.createCheckout(creds, req());
    expect(await a.cancel(creds, open.providerObjectId)).toEqual({ objectStatus: 'expired' });
    expect(d.sessions.get(open.providerObjectId)!['status']).toBe('expired');
    expect(await a.cancel(creds, open.providerObjectId)).toEqual({ objectStatus: 'expired' });
    const paid = await a.createCheckout(creds, req());
    d.complete(paid.providerObjectId, 'paid');
    expect(await a.cancel(creds, paid.providerObjectId)).toEqual({ objectStatus: 'paid' });
  });

  it('maps refusals and outages to the two error kinds', async () => {
    const a = stripe();
    await expect(a.lookup(creds, 'cs_test_missing', 'x')).rejects.toSatisfy((e) => e instanceof ProviderRejectedError && e.status === 404);
    await expect(a.lookup({ secret_key: 'not-a-key' }, 'cs_test_missing', 'x')).rejects.toSatisfy(
      (e) => e instanceof ProviderRejectedError && e.status === 401,
    );
    await expect(a.lookup({}, 'cs_test_missing', 'x')).rejects.toBeInstanceOf(ProviderRejectedError);
    // Objects belong to the account that made them.
    const co = await a.createCheckout(creds, req());
    await expect(a.lookup({ secret_key: 'sk_test_other' }, co.providerObjectId, 'x')).rejects.toMatchObject({ status: 404 });
    const down = createStripeAdapter({ apiUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await expect(down.lookup(creds, 'cs_test_x', 'x')).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});
