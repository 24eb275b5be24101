import { describe, expect, it } from 'vitest';
import type { CheckoutRequest } from '../../../platform/payment-provider.port.ts';
import {
  clampExpireBy,
  MAX_EXPIRE_AHEAD_S,
  MIN_EXPIRE_AHEAD_S,
  normalizeRazorpayEvent,
  paymentLinkBody,
  RAZORPAY_EVENT_KINDS,
  RAZORPAY_LINK_STATUSES,
  RAZORPAY_PAYMENT_STATUSES,
  RAZORPAY_REFUND_STATUSES,
  razorpayEventKind,
} from './razorpay.mapping.ts';

const now = new Date('2026-03-01T10:00:00Z');
const T = 1_772_359_200; // 2026-03-01T10:00:00Z
const notes = { chatcart_payment_id: 'pay_01', chatcart_merchant_id: 'mer_01', chatcart_reference_id: 'CC-REF-1' };
const payment = (over: Record<string, unknown> = {}) => ({
  id: 'pay_Rzp0000000001',
  entity: 'payment',
  amount: 49_800,
  currency: 'INR',
  status: 'captured',
  order_id: 'order_Rzp000000001',
  method: 'upi',
  notes,
  ...over,
});
const link = (over: Record<string, unknown> = {}) => ({
  id: 'plink_Rzp00000001',
  amount: 49_800,
  amount_paid: 49_800,
  currency: 'INR',
  reference_id: 'CC-REF-1',
  status: 'paid',
  notes,
  ...over,
});
const order = (over: Record<string, unknown> = {}) => ({
  id: 'order_Rzp000000001',
  entity: 'order',
  amount: 49_800,
  amount_paid: 49_800,
  currency: 'INR',
  receipt: 'CC-REF-1',
  status: 'paid',
  notes,
  ...over,
});
const refund = (over: Record<string, unknown> = {}) => ({
  id: 'rfnd_Rzp00000001',
  entity: 'refund',
  amount: 1_000,
  currency: 'INR',
  payment_id: 'pay_Rzp0000000001',
  notes: { chatcart_refund_id: 'rfd_01' },
  status: 'processed',
  ...over,
});
const dispute = (over: Record<string, unknown> = {}) => ({
  id: 'disp_Rzp00000001',
  entity: 'dispute',
  payment_id: 'pay_Rzp0000000001',
  amount: 49_800,
  currency: 'INR',
  reason_code: 'chargeback',
  status: 'open',
  ...over,
});
const env = (event: string, payload: Record<string, object>) => ({
  entity: 'event',
  account_id: 'acc_X',
  event,
  contains: Object.keys(payload),
  payload: Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, { entity: v }])),
  created_at: T,
});
const norm = (e: unknown) => normalizeRazorpayEvent(e, 'evt_1', new Date(0))!;

describe('razorpay event table', () => {
  const cases: [string, Record<string, object>, Record<string, unknown>][] = [
    [
      'payment.authorized',
      { payment: payment({ status: 'authorized' }) },
      {
        kind: 'payment.authorized',
        providerPaymentId: 'pay_Rzp0000000001',
        referenceId: 'CC-REF-1',
        amount: 49_800,
        currency: 'INR',
        providerObjectId: undefined,
      },
    ],
    [
      'payment.captured',
      { payment: payment() },
      {
        kind: 'payment.captured',
        providerPaymentId: 'pay_Rzp0000000001',
        referenceId: 'CC-REF-1',
        amount: 49_800,
        currency: 'INR',
        providerObjectId: undefined,
      },
    ],
    [
      'payment.failed',
      { payment: payment({ status: 'failed', error_description: 'declined' }) },
      { kind: 'payment.failed', providerPaymentId: 'pay_Rzp0000000001', reason: 'declined' },
    ],
    [
      'payment_link.paid',
      { payment_link: link(), order: order(), payment: payment() },
      {
        kind: 'payment.captured',
        providerObjectId: 'plink_Rzp00000001',
        providerPaymentId: 'pay_Rzp0000000001',
        referenceId: 'CC-REF-1',
        amount: 49_800,
        currency: 'INR',
      },
    ],
    [
      'payment_link.partially_paid',
      { payment_link: link({ status: 'partially_paid', amount_paid: 10_000 }), payment: payment({ amount: 10_000 }) },
      { kind: 'payment.captured', providerObjectId: 'plink_Rzp00000001', amount: 10_000, referenceId: 'CC-REF-1' },
    ],
    [
      'payment_link.expired',
      { payment_link: link({ status: 'expired' }) },
      { kind: 'checkout.expired', providerObjectId: 'plink_Rzp00000001', referenceId: 'CC-REF-1', providerPaymentId: undefined, amount: undefined },
    ],
    [
      'payment_link.cancelled',
      { payment_link: link({ status: 'cancelled' }) },
      { kind: 'checkout.canceled', providerObjectId: 'plink_Rzp00000001', referenceId: 'CC-REF-1' },
    ],
    [
      'order.paid',
      { order: order(), payment: payment() },
      { kind: 'payment.captured', providerPaymentId: 'pay_Rzp0000000001', referenceId: 'CC-REF-1', amount: 49_800, currency: 'INR' },
    ],
    [
      'refund.created',
      { refund: refund({ status: 'pending' }), payment: payment() },
      {
        kind: 'refund.pending',
        providerRefundId: 'rfnd_Rzp00000001',
        refundId: 'rfd_01',
        providerPaymentId: 'pay_Rzp0000000001',
        amount: 1_000,
        currency: 'INR',
      },
    ],
    [
      'refund.processed',
      { refund: refund(), payment: payment() },
      { kind: 'refund.succeeded', providerRefundId: 'rfnd_Rzp00000001', refundId: 'rfd_01', amount: 1_000 },
    ],
    [
      'refund.failed',
      { refund: refund({ status: 'failed' }), payment: payment() },
      { kind: 'refund.failed', providerRefundId: 'rfnd_Rzp00000001', refundId: 'rfd_01' },
    ],
    [
      'payment.dispute.created',
      { payment: payment(), dispute: dispute() },
      {
        kind: 'dispute.opened',
        providerDisputeId: 'disp_Rzp00000001',
        providerPaymentId: 'pay_Rzp0000000001',
        amount: 49_800,
        currency: 'INR',
        reason: 'chargeback',
      },
    ],
    ['payment.dispute.won', { payment: payment(), dispute: dispute({ status: 'won' }) }, { kind: 'dispute.won', providerDisputeId: 'disp_Rzp00000001' }],
    ['payment.dispute.lost', { payment: payment(), dispute: dispute({ status: 'lost' }) }, { kind: 'dispute.lost', providerDisputeId: 'disp_Rzp00000001' }],
    [
      'payment.dispute.closed',
      { payment: payment(), dispute: dispute({ status: 'closed' }) },
      { kind: 'dispute.updated', providerDisputeId: 'disp_Rzp00000001' },
    ],
    ['payment.dispute.under_review', { payment: payment(), dispute: dispute({ status: 'under_review' }) }, { kind: 'dispute.updated' }],
    ['payment.dispute.action_required', { payment: payment(), dispute: dispute() }, { kind: 'dispute.updated' }],
    ['refund.speed_changed', { refund: refund() }, { kind: 'ignored' }],
    ['settlement.processed', {}, { kind: 'ignored' }],
    ['qr_code.credited', { payment: payment() }, { kind: 'ignored' }],
  ];
  it.each(cases)('%s', (type, payload, expected) => {
    const ev = norm(env(type, payload));
    expect(ev).toMatchObject({ eventId: 'evt_1', providerType: type, occurredAt: new Date(T * 1000) });
    for (const [k, v] of Object.entries(expected)) expect(ev[k as keyof typeof ev], k).toEqual(v);
  });

  it('covers every event the table names, and nothing else maps to a kind', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(
      new Set([...Object.keys(RAZORPAY_EVENT_KINDS), 'refund.speed_changed', 'settlement.processed', 'qr_code.credited']),
    );
    expect(razorpayEventKind('payment.pending')).toBe('ignored');
  });

  it("carries a captured payment's fee (tax included) and tax; nothing before capture or for a zero fee", () => {
    const captured = norm(env('payment.captured', { payment: payment({ fee: 1176, tax: 179 }) }));
    expect([captured.fee, captured.feeTax]).toEqual([1176, 179]);
    const linkPaid = norm(env('payment_link.paid', { payment_link: link(), payment: payment({ fee: 1176, tax: 179 }) }));
    expect([linkPaid.fee, linkPaid.feeTax]).toEqual([1176, 179]);
    const authorized = norm(env('payment.authorized', { payment: payment({ status: 'authorized', fee: null, tax: null }) }));
    expect([authorized.fee, authorized.feeTax]).toEqual([undefined, undefined]);
    expect(norm(env('payment.captured', { payment: payment({ fee: 0, tax: 0 }) })).fee).toBeUndefined();
    // A tax above the fee is not believed: the fee alone is booked.
    expect([norm(env('payment.captured', { payment: payment({ fee: 100, tax: 500 }) })).feeTax]).toEqual([undefined]);
  });

  it('authorized is never captured', () => {
    expect(RAZORPAY_EVENT_KINDS['payment.authorized']).toBe('payment.authorized');
    expect(norm(env('payment.authorized', { payment: payment({ status: 'authorized' }) })).kind).not.toBe('payment.captured');
    expect(RAZORPAY_PAYMENT_STATUSES['authorized']).toBe('authorized');
  });

  it('leaves the reference undefined when the payload does not carry it (the app looks it up)', () => {
    const bare = norm(env('payment.captured', { payment: payment({ notes: [] }) }));
    expect(bare.referenceId).toBeUndefined();
    expect(bare.providerPaymentId).toBe('pay_Rzp0000000001');
    // order.paid with the order alone: no payment to count, only a lookup can verify.
    const orderOnly = norm(env('order.paid', { order: order() }));
    expect([orderOnly.kind, orderOnly.referenceId, orderOnly.providerPaymentId, orderOnly.amount]).toEqual([
      'payment.captured',
      'CC-REF-1',
      undefined,
      undefined,
    ]);
    // A link event without its payment: the link is named, the money is not.
    const thinLink = norm(env('payment_link.paid', { payment_link: link() }));
    expect([thinLink.providerObjectId, thinLink.providerPaymentId, thinLink.amount]).toEqual(['plink_Rzp00000001', undefined, undefined]);
  });

  it('prefers the link reference to the notes, and reads PHP-style empty notes as none', () => {
    expect(norm(env('payment_link.paid', { payment_link: link({ reference_id: 'FROM-LINK' }), payment: payment() })).referenceId).toBe('FROM-LINK');
    expect(norm(env('refund.processed', { refund: refund({ notes: [] }) })).refundId).toBeUndefined();
  });

  it('uppercases currencies, ignores non-integer amounts, falls back to now without created_at', () => {
    const e = { ...env('payment.captured', { payment: payment({ currency: 'inr', amount: '49800' }) }), created_at: undefined };
    const ev = normalizeRazorpayEvent(e, 'evt_2', now)!;
    expect(ev.currency).toBe('INR');
    expect(ev.amount).toBeUndefined();
    expect(ev.occurredAt).toEqual(now);
  });

  it('refuses what is not an event envelope', () => {
    for (const bad of [null, [], 'x', 1, {}, { event: 5 }, { event: '' }]) expect(normalizeRazorpayEvent(bad, 'e', now)).toBeUndefined();
  });
});

describe('razorpay status tables', () => {
  it('maps link, payment and refund statuses', () => {
    expect(RAZORPAY_LINK_STATUSES).toEqual({ created: 'open', partially_paid: 'open', paid: 'paid', expired: 'expired', cancelled: 'canceled' });
    expect(RAZORPAY_PAYMENT_STATUSES).toEqual({ created: 'pending', authorized: 'authorized', captured: 'captured', failed: 'failed', refunded: 'refunded' });
    expect(RAZORPAY_REFUND_STATUSES).toEqual({ pending: 'pending', processed: 'succeeded', failed: 'failed' });
  });
});

describe('clampExpireBy', () => {
  const s = (d: Date) => Math.floor(d.getTime() / 1000);
  const at = (ms: number) => new Date(now.getTime() + ms);
  it.each([
    ['an hour ahead is kept', at(3_600_000), s(now) + 3600],
    ['30 days ahead is kept', at(30 * 86_400_000), s(now) + 30 * 86400],
    ['exactly the minimum is kept', at(MIN_EXPIRE_AHEAD_S * 1000), s(now) + MIN_EXPIRE_AHEAD_S],
    ['10 minutes ahead is raised to the minimum', at(600_000), s(now) + MIN_EXPIRE_AHEAD_S],
    ['already past is raised to the minimum', at(-60_000), s(now) + MIN_EXPIRE_AHEAD_S],
    ['a year ahead is lowered to the maximum', at(365 * 86_400_000), s(now) + MAX_EXPIRE_AHEAD_S],
    ['sub-second expiry rounds down', at(3_600_999), s(now) + 3600],
  ])('%s', (_name, expiresAt, want) => {
    expect(clampExpireBy(expiresAt, now)).toBe(want);
  });
  it('rounds now up, so the minimum holds at any millisecond', () => {
    const odd = new Date(now.getTime() + 999);
    expect(clampExpireBy(odd, odd)).toBe(s(now) + 1 + MIN_EXPIRE_AHEAD_S);
    expect(MIN_EXPIRE_AHEAD_S).toBeGreaterThanOrEqual(15 * 60);
    expect(MAX_EXPIRE_AHEAD_S).toBeLessThanOrEqual(181 * 86400);
  });
});

describe('paymentLinkBody', () => {
  const req: CheckoutRequest = {
    paymentId: 'pay_01',
    referenceId: 'CC-REF-1',
    amount: 49_800,
    currency: 'INR',
    description: 'x'.repeat(3000),
    customer: { wa_id: '919876543210', name: 'Asha' },
    expiresAt: new Date(now.getTime() + 3_600_000),
    returnUrl: 'http://shop.test/pay/tok',
    merchantId: 'mer_01',
  };
  it('builds a Standard link we send ourselves', () => {
    expect(paymentLinkBody(req, now)).toEqual({
      amount: 49_800,
      currency: 'INR',
      accept_partial: false,
      reference_id: 'CC-REF-1',
      description: 'x'.repeat(2048),
      expire_by: T + 3600,
      customer: { name: 'Asha', contact: '+919876543210' },
      notify: { sms: false, email: false },
      reminder_enable: false,
      notes: { chatcart_payment_id: 'pay_01', chatcart_merchant_id: 'mer_01', chatcart_reference_id: 'CC-REF-1' },
      callback_url: 'http://shop.test/pay/tok',
      callback_method: 'get',
      upi_link: false,
    });
  });
  it('UPI links never accept partial payments; a nameless customer sends only the contact', () => {
    const b = paymentLinkBody({ ...req, upi: true, customer: { wa_id: '15550001111', name: null } }, now);
    expect(b).toMatchObject({ upi_link: true, accept_partial: false, customer: { contact: '+15550001111' } });
    expect(b.customer).not.toHaveProperty('name');
  });
});
