import { describe, expect, it } from 'vitest';
import { clampExpiresAt, intentPaymentStatus, normalizeStripeEvent, sessionObjectStatus, STRIPE_EVENTS, type StripeObject } from './stripe.mapping.ts';

const now = new Date('2030-01-01T00:00:00Z');
const created = Math.floor(now.getTime() / 1000) - 5;
const ev = (type: string, object: StripeObject) => normalizeStripeEvent({ id: 'evt_1', type, created, data: { object } }, now);
const one = (type: string, object: StripeObject) => {
  const r = ev(type, object);
  expect(r).toHaveLength(1);
  return r[0]!;
};

const session = (over: StripeObject = {}): StripeObject => ({
  id: 'cs_test_1',
  object: 'checkout.session',
  amount_total: 28500,
  currency: 'inr',
  client_reference_id: 'ref-1',
  payment_intent: 'pi_1',
  payment_status: 'paid',
  status: 'complete',
  metadata: { chatcart_reference_id: 'ref-1' },
  ...over,
});
const intent = (over: StripeObject = {}): StripeObject => ({
  id: 'pi_1',
  object: 'payment_intent',
  amount: 28500,
  amount_received: 28500,
  currency: 'inr',
  status: 'succeeded',
  metadata: { chatcart_reference_id: 'ref-1' },
  ...over,
});
const refund = (status: string): StripeObject => ({
  id: 're_1',
  object: 'refund',
  amount: 1000,
  currency: 'inr',
  payment_intent: 'pi_1',
  status,
  metadata: { chatcart_refund_id: 'rfd_1' },
});
const dispute = (status: string): StripeObject => ({
  id: 'du_1',
  object: 'dispute',
  amount: 28500,
  currency: 'inr',
  payment_intent: 'pi_1',
  charge: 'ch_1',
  reason: 'fraudulent',
  status,
});

describe('Stripe event table', () => {
  it('checkout.session.completed: paid is a capture with everything needed to count it', () => {
    expect(one('checkout.session.completed', session())).toEqual({
      eventId: 'evt_1',
      providerType: 'checkout.session.completed',
      kind: 'payment.captured',
      occurredAt: new Date(created * 1000),
      providerObjectId: 'cs_test_1',
      providerPaymentId: 'pi_1',
      referenceId: 'ref-1',
      amount: 28500,
      currency: 'INR',
    });
  });

  it('checkout.session.completed: unpaid (a delayed method) is not paid', () => {
    const e = one('checkout.session.completed', session({ payment_status: 'unpaid' }));
    expect(e.kind).toBe('checkout.completed_unpaid');
    expect(e.providerObjectId).toBe('cs_test_1');
    expect(one('checkout.session.completed', session({ payment_status: 'no_payment_required', payment_intent: null })).kind).toBe('checkout.completed_unpaid');
  });

  it.each([
    ['checkout.session.async_payment_succeeded', 'payment.captured'],
    ['checkout.session.async_payment_failed', 'payment.failed'],
    ['checkout.session.expired', 'checkout.expired'],
  ])('%s → %s', (type, kind) => {
    const e = one(type, session({ payment_status: type.endsWith('succeeded') ? 'paid' : 'unpaid' }));
    expect(e.kind).toBe(kind);
    expect(e.providerObjectId).toBe('cs_test_1');
    expect(e.providerPaymentId).toBe('pi_1');
  });

  it('an expanded payment_intent still yields its id', () => {
    expect(one('checkout.session.completed', session({ payment_intent: intent() })).providerPaymentId).toBe('pi_1');
  });

  it('payment_intent.succeeded: the same payment as the session (same providerPaymentId), no checkout object', () => {
    const e = one('payment_intent.succeeded', intent({ amount: 30000, amount_received: 28500 }));
    expect(e).toMatchObject({ kind: 'payment.captured', providerPaymentId: 'pi_1', referenceId: 'ref-1', amount: 28500, currency: 'INR' });
    expect(e.providerObjectId).toBeUndefined();
    expect(e.providerPaymentId).toBe(one('checkout.session.completed', session()).providerPaymentId);
  });

  it.each([
    ['payment_intent.processing', 'processing', 'payment.pending'],
    ['payment_intent.payment_failed', 'requires_payment_method', 'payment.failed'],
    ['payment_intent.amount_capturable_updated', 'requires_capture', 'payment.authorized'],
  ])('%s → %s', (type, status, kind) => {
    const e = one(
      type,
      intent({
        status,
        amount_received: 0,
        last_payment_error: type.endsWith('failed') ? { code: 'card_declined', message: 'Your card was declined.' } : null,
      }),
    );
    expect(e).toMatchObject({ kind, providerPaymentId: 'pi_1', amount: 28500, currency: 'INR' });
    if (type.endsWith('failed')) expect(e.reason).toBe('Your card was declined.');
  });

  it('zero-decimal currencies keep their integer amounts; codes are uppercased', () => {
    const e = one('payment_intent.succeeded', intent({ amount: 1500, amount_received: 1500, currency: 'jpy' }));
    expect(e).toMatchObject({ amount: 1500, currency: 'JPY' });
    expect(one('checkout.session.completed', session({ amount_total: 1500, currency: 'jpy' }))).toMatchObject({ amount: 1500, currency: 'JPY' });
  });

  it.each(['charge.refund.updated', 'refund.created', 'refund.updated', 'refund.failed'])('%s maps by the refund status', (type) => {
    for (const [status, kind] of [
      ['succeeded', 'refund.succeeded'],
      ['pending', 'refund.pending'],
      ['requires_action', 'refund.pending'],
      ['failed', 'refund.failed'],
      ['canceled', 'refund.failed'],
    ] as const) {
      expect(one(type, refund(status))).toMatchObject({
        kind,
        refundId: 'rfd_1',
        providerRefundId: 're_1',
        providerPaymentId: 'pi_1',
        amount: 1000,
        currency: 'INR',
      });
    }
  });

  it('charge.refunded: one event per listed refund; without the list it is ignored', () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      payment_intent: 'pi_1',
      amount_refunded: 1500,
      currency: 'inr',
      refunds: { object: 'list', data: [refund('succeeded'), { ...refund('pending'), id: 're_2', payment_intent: null, metadata: {} }] },
    };
    const r = ev('charge.refunded', charge);
    expect(r.map((e) => [e.kind, e.providerRefundId, e.refundId, e.providerPaymentId])).toEqual([
      ['refund.succeeded', 're_1', 'rfd_1', 'pi_1'],
      ['refund.pending', 're_2', undefined, 'pi_1'],
    ]);
    expect(r.every((e) => e.eventId === 'evt_1')).toBe(true);
    expect(one('charge.refunded', { ...charge, refunds: undefined }).kind).toBe('ignored');
  });

  it.each([
    ['charge.dispute.created', 'needs_response', 'dispute.opened'],
    ['charge.dispute.updated', 'under_review', 'dispute.updated'],
    ['charge.dispute.closed', 'won', 'dispute.won'],
    ['charge.dispute.closed', 'lost', 'dispute.lost'],
    ['charge.dispute.closed', 'warning_closed', 'dispute.won'],
  ])('%s (%s) → %s', (type, status, kind) => {
    expect(one(type, dispute(status))).toMatchObject({
      kind,
      providerDisputeId: 'du_1',
      providerPaymentId: 'pi_1',
      amount: 28500,
      currency: 'INR',
      reason: 'fraudulent',
    });
  });

  it('everything else is ignored (and kept in the inbox)', () => {
    for (const type of ['customer.created', 'payment_intent.created', 'charge.succeeded', 'payment_link.updated'])
      expect(one(type, { id: 'x' }).kind).toBe('ignored');
  });

  it('every table entry produces a known kind', () => {
    for (const type of Object.keys(STRIPE_EVENTS))
      expect(ev(type, { id: 'x', status: 'succeeded', refunds: { data: [refund('succeeded')] } })[0]!.kind).not.toBe(undefined);
  });

  it('without a created time the event is dated now', () => {
    expect(normalizeStripeEvent({ id: 'evt_2', type: 'x.y', data: { object: {} } }, now)[0]!.occurredAt).toEqual(now);
  });
});

describe('lookup statuses', () => {
  it.each([
    ['succeeded', null, 'captured'],
    ['processing', null, 'pending'],
    ['requires_action', null, 'pending'],
    ['requires_capture', null, 'authorized'],
    ['canceled', null, 'failed'],
    ['requires_payment_method', { code: 'card_declined' }, 'failed'],
    ['requires_payment_method', null, undefined],
    ['requires_confirmation', null, undefined],
  ])('intent %s (error %j) → %s', (status, last_payment_error, expected) => {
    expect(intentPaymentStatus({ status, last_payment_error })).toBe(expected);
  });

  it.each([
    ['open', 'unpaid', 'open'],
    ['complete', 'paid', 'paid'],
    ['complete', 'unpaid', 'open'],
    ['expired', 'unpaid', 'expired'],
  ])('session %s/%s → %s', (status, payment_status, expected) => {
    expect(sessionObjectStatus({ status, payment_status })).toBe(expected);
  });
});

describe('clampExpiresAt: Stripe takes 30 min to 24 h from creation', () => {
  // `now` is on a whole hour: clamped values round to whole hours inside the bounds.
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  it.each([
    ['already past', -3600, 3600],
    ['10 minutes', 600, 3600],
    ['exactly 30 minutes', 1800, 3600],
    ['31 minutes (the minimum plus the margin)', 31 * 60, 31 * 60],
    ['2 hours', 7200, 7200],
    ['2 hours and a bit', 7200 + 17, 7200 + 17],
    ['23 hours 59 minutes', 86400 - 60, 86400 - 60],
    ['23 hours 59 minutes 1 second', 86400 - 59, 86400 - 3600],
    ['exactly 24 hours', 86400, 86400 - 3600],
    ['30 days', 30 * 86400, 86400 - 3600],
  ])('%s', (_label, inS, outS) => {
    expect(clampExpiresAt(at(inS), now)).toEqual(at(outS));
  });

  it('always lands within [now + 30 min, now + 24 h], and a retry moments later sends the same value', () => {
    for (let offset = 0; offset < 86400; offset += 97) {
      const t = new Date(now.getTime() + offset * 1000);
      for (const want of [-600, 0, 900, 1800, 1900, 40_000, 86_400, 90_000, 3_000_000]) {
        const v = clampExpiresAt(new Date(t.getTime() + want * 1000), t).getTime();
        expect(v).toBeGreaterThanOrEqual(t.getTime() + 1800_000);
        expect(v).toBeLessThanOrEqual(t.getTime() + 86_400_000);
        expect(v % 1000).toBe(0);
      }
    }
    const expiresAt = at(30 * 86400);
    expect(clampExpiresAt(expiresAt, at(600))).toEqual(clampExpiresAt(expiresAt, at(660)));
    expect(clampExpiresAt(at(900), at(600))).toEqual(clampExpiresAt(at(900), at(660)));
  });

  it('rounds down to whole seconds', () => {
    expect(clampExpiresAt(new Date(at(7200).getTime() + 999), new Date(now.getTime() + 400))).toEqual(at(7200));
  });
});
