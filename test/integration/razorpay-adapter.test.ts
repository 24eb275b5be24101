// The Razorpay adapter against the local Razorpay API double over real HTTP:
// payment links (clamped expiry, reference_id as the idempotency key), lookups,
// idempotent refunds, cancel, and how errors are classified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRazorpayAdapter } from '../../src/adapters/providers/razorpay/razorpay.adapter.ts';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type CheckoutRequest,
  type PaymentProviderAdapter,
} from '../../src/platform/payment-provider.port.ts';
import { startRazorpayDouble, type RazorpayDouble } from '../fixtures/razorpay-double.ts';

const creds = { key_id: 'rzp_test_adapter01', key_secret: 'secret_adapter_01' };
let d: RazorpayDouble;
let a: PaymentProviderAdapter;
let n = 0;

beforeAll(async () => {
  d = await startRazorpayDouble({ accounts: [{ keyId: creds.key_id, keySecret: creds.key_secret }] });
  a = createRazorpayAdapter({ baseUrl: d.url });
});
afterAll(async () => {
  await d?.close();
});

const req = (over: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  paymentId: `pay_test${++n}`,
  referenceId: `CC-RZP-${n}-${Date.now()}`,
  amount: 49_800,
  currency: 'INR',
  description: 'Chai shop: order ord_1',
  customer: { wa_id: '919876543210', name: 'Asha' },
  expiresAt: new Date(Date.now() + 3_600_000),
  returnUrl: 'http://127.0.0.1:1/pay/tok',
  merchantId: 'mer_test',
  ...over,
});

describe('razorpay adapter ↔ double', () => {
  it('creates a payment link with Basic auth and the fields we promise', async () => {
    const r = req();
    const co = await a.createCheckout(creds, r);
    expect(co.providerObjectId).toMatch(/^plink_/);
    const link = d.link(co.providerObjectId);
    expect(co.url).toBe(link.short_url);
    expect(co.expiresAt.getTime()).toBe(link.expire_by * 1000);
    const sent = d.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/payment_links');
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from(`${creds.key_id}:${creds.key_secret}`).toString('base64')}`);
    expect(sent.body).toMatchObject({
      amount: 49_800,
      currency: 'INR',
      accept_partial: false,
      reference_id: r.referenceId,
      customer: { name: 'Asha', contact: '+919876543210' },
      notify: { sms: false, email: false },
      reminder_enable: false,
      callback_url: r.returnUrl,
      callback_method: 'get',
      upi_link: false,
      notes: { chatcart_payment_id: r.paymentId, chatcart_merchant_id: 'mer_test', chatcart_reference_id: r.referenceId },
    });
  });

  it('clamps an expiry Razorpay would refuse (< 15 min ahead) and makes UPI links', async () => {
    const co = await a.createCheckout(creds, req({ expiresAt: new Date(Date.now() + 5 * 60_000), upi: true }));
    const link = d.link(co.providerObjectId);
    expect(link.expire_by).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 15 * 60);
    expect(link.upi_link).toBe(true);
    expect(link.accept_partial).toBe(false);
  });

  it('a retried create returns the link the first call made (reference_id is the key)', async () => {
    const r = req();
    const first = await a.createCheckout(creds, r);
    const second = await a.createCheckout(creds, r);
    expect(second.providerObjectId).toBe(first.providerObjectId);
    expect(second.url).toBe(first.url);
    expect([...d.links.values()].filter((l) => l.reference_id === r.referenceId)).toHaveLength(1);
    expect(d.requests.at(-1)!.path).toBe(`/v1/payment_links?reference_id=${encodeURIComponent(r.referenceId)}`);
    // The same reference with another amount is not the same link: refused, never reused.
    await expect(a.createCheckout(creds, { ...r, amount: 100_000 })).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it('classifies errors: refused (4xx, bad credentials) vs retryable (5xx, 429, network)', async () => {
    await expect(a.createCheckout({ key_id: 'rzp_test_nobody', key_secret: 'nope' }, req())).rejects.toSatisfy(
      (e) => e instanceof ProviderRejectedError && (e as ProviderRejectedError).status === 401,
    );
    await expect(a.createCheckout(creds, req({ amount: 50 }))).rejects.toSatisfy(
      (e) => e instanceof ProviderRejectedError && /amount/.test((e as Error).message),
    );
    d.state.failNext.push(500);
    await expect(a.createCheckout(creds, req())).rejects.toBeInstanceOf(ProviderUnavailableError);
    d.state.failNext.push(429);
    await expect(a.lookup(creds, 'plink_x', 'r')).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(createRazorpayAdapter({ baseUrl: 'http://127.0.0.1:9' }).lookup(creds, 'plink_x', 'r')).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(a.lookup(creds, 'plink_DoesNotExist1', 'r')).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it('looks up link and payments: open → authorized (late authorisation) → captured → paid', async () => {
    const r = req();
    const co = await a.createCheckout(creds, r);
    expect(await a.lookup(creds, co.providerObjectId, r.referenceId)).toEqual({ objectStatus: 'open', payments: [] });
    const failed = d.pay(co.providerObjectId, { fail: true });
    const p = d.pay(co.providerObjectId, { capture: false });
    let l = await a.lookup(creds, co.providerObjectId, r.referenceId);
    expect(l.objectStatus).toBe('open');
    expect(l.payments).toEqual([
      { providerPaymentId: failed.id, status: 'failed', amount: 49_800, currency: 'INR', referenceId: r.referenceId },
      { providerPaymentId: p.id, status: 'authorized', amount: 49_800, currency: 'INR', referenceId: r.referenceId },
    ]);
    d.capture(p.id);
    l = await a.lookup(creds, co.providerObjectId, r.referenceId);
    expect(l.objectStatus).toBe('paid');
    expect(l.payments[1]!.status).toBe('captured');
  });

  it('refunds with X-Refund-Idempotency = our rfd_ id; a retry gets the same refund, another body is refused', async () => {
    const co = await a.createCheckout(creds, req());
    const p = d.pay(co.providerObjectId);
    const refundId = `rfd_${Date.now()}abcdef`;
    const r1 = await a.refund(creds, { refundId, providerPaymentId: p.id, amount: 1_000, currency: 'INR' });
    expect(r1).toEqual({ providerRefundId: expect.stringMatching(/^rfnd_/), status: 'succeeded' });
    const sent = d.requests.at(-1)!;
    expect(sent.path).toBe(`/v1/payments/${p.id}/refund`);
    expect(sent.headers['x-refund-idempotency']).toBe(refundId);
    expect(sent.body).toEqual({ amount: 1_000, speed: 'normal', notes: { chatcart_refund_id: refundId } });
    const r2 = await a.refund(creds, { refundId, providerPaymentId: p.id, amount: 1_000, currency: 'INR' });
    expect(r2.providerRefundId).toBe(r1.providerRefundId);
    expect(d.payment(p.id).amount_refunded).toBe(1_000);
    await expect(a.refund(creds, { refundId, providerPaymentId: p.id, amount: 2_000, currency: 'INR' })).rejects.toBeInstanceOf(ProviderRejectedError);

    d.state.refundStatus = 'pending';
    const pending = await a.refund(creds, { refundId: `${refundId}_2`, providerPaymentId: p.id, amount: 2_000, currency: 'INR' });
    expect(pending.status).toBe('pending');
    d.settleRefund(pending.providerRefundId, 'processed');
    expect((await a.refund(creds, { refundId: `${refundId}_2`, providerPaymentId: p.id, amount: 2_000, currency: 'INR' })).status).toBe('succeeded');
    d.state.refundStatus = 'processed';
  });

  it('cancels a created link; a paid or expired one reports what it is', async () => {
    const open = await a.createCheckout(creds, req());
    expect(await a.cancel(creds, open.providerObjectId)).toEqual({ objectStatus: 'canceled' });
    expect(await a.cancel(creds, open.providerObjectId)).toEqual({ objectStatus: 'canceled' });
    const paid = await a.createCheckout(creds, req());
    d.pay(paid.providerObjectId);
    expect(await a.cancel(creds, paid.providerObjectId)).toEqual({ objectStatus: 'paid' });
    const expired = await a.createCheckout(creds, req());
    d.expire(expired.providerObjectId);
    expect(await a.cancel(creds, expired.providerObjectId)).toEqual({ objectStatus: 'expired' });
  });
});
