import { describe, expect, it } from 'vitest';
import { PAYMENT_STATUSES, type PaymentStatus } from '../payment/payment.machine.ts';
import { ORDER_STATUSES, ORDER_TRANSITIONS, allowedOrderTransitions, canTransitionOrder, toWhatsAppOrderStatus, type OrderStatus } from './order.machine.ts';

// Written out by hand from whatsapp.md §3.4, independently of ORDER_TRANSITIONS.
const EXPECTED_TABLE: Record<OrderStatus, OrderStatus[]> = {
  pending: ['processing', 'partially_shipped', 'shipped', 'completed', 'canceled'],
  processing: ['partially_shipped', 'shipped', 'completed', 'canceled'],
  partially_shipped: ['processing', 'shipped', 'completed', 'canceled'],
  shipped: ['processing', 'partially_shipped', 'completed', 'canceled'],
  completed: [],
  canceled: [],
};
const BLOCKS_CANCEL = new Set<PaymentStatus>(['pending', 'paid', 'partially_refunded', 'manual_review']);
const VIAS = [undefined, 'review_accept'] as const;

type Outcome = 'changed' | 'unchanged' | 'refused';
function expected(from: OrderStatus, to: OrderStatus, paymentStatus: PaymentStatus, via?: 'review_accept'): Outcome {
  if (from === to) return 'unchanged';
  if (from === 'canceled' && to === 'processing' && via === 'review_accept') return 'changed';
  if (!EXPECTED_TABLE[from].includes(to)) return 'refused';
  if (to === 'canceled' && BLOCKS_CANCEL.has(paymentStatus)) return 'refused';
  return 'changed';
}

const cases = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.flatMap((to) => PAYMENT_STATUSES.flatMap((paymentStatus) => VIAS.map((via) => ({ from, to, paymentStatus, via })))),
);

describe('order status machine', () => {
  it('the table is exactly the one in the reference', () => {
    expect(ORDER_TRANSITIONS).toEqual(EXPECTED_TABLE);
  });

  it('covers the full cartesian product', () => {
    expect(cases).toHaveLength(6 * 6 * 9 * 2);
  });

  it.each(cases)('$from → $to (payment $paymentStatus, via $via)', ({ from, to, paymentStatus, via }) => {
    const ctx = via === undefined ? { paymentStatus } : { paymentStatus, via };
    const r = canTransitionOrder(from, to, ctx);
    const want = expected(from, to, paymentStatus, via);
    if (want === 'refused') {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('invalid_transition');
      expect(r.error.details).toEqual({
        from,
        to,
        allowed: allowedOrderTransitions(from, ctx),
        payment_status: paymentStatus,
      });
      expect(allowedOrderTransitions(from, ctx)).not.toContain(to);
    } else {
      expect(r).toEqual({ ok: true, value: want });
      if (want === 'changed') expect(allowedOrderTransitions(from, ctx)).toContain(to);
    }
  });

  it('terminal statuses accept only a re-post of themselves', () => {
    for (const to of ORDER_STATUSES) {
      expect(canTransitionOrder('completed', to, { paymentStatus: 'paid' }).ok).toBe(to === 'completed');
    }
    expect(canTransitionOrder('canceled', 'canceled', { paymentStatus: 'paid' })).toEqual({ ok: true, value: 'unchanged' });
  });

  it('refuses cancel with a payment in flight, with an explanatory message', () => {
    const r = canTransitionOrder('processing', 'canceled', { paymentStatus: 'paid' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toMatch(/cannot cancel/);
      expect(r.error.details).toMatchObject({ allowed: ['partially_shipped', 'shipped', 'completed'] });
    }
    expect(canTransitionOrder('processing', 'canceled', { paymentStatus: 'refunded' })).toEqual({ ok: true, value: 'changed' });
  });

  it('the one exit from canceled needs review_accept', () => {
    expect(canTransitionOrder('canceled', 'processing', { paymentStatus: 'manual_review', via: 'review_accept' })).toEqual({
      ok: true,
      value: 'changed',
    });
    const r = canTransitionOrder('canceled', 'processing', { paymentStatus: 'paid' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/review accept/);
    expect(canTransitionOrder('canceled', 'shipped', { paymentStatus: 'paid', via: 'review_accept' }).ok).toBe(false);
    expect(canTransitionOrder('completed', 'processing', { paymentStatus: 'paid', via: 'review_accept' }).ok).toBe(false);
  });

  it.each(ORDER_STATUSES)('writes Meta spelling for %s', (s) => {
    expect(toWhatsAppOrderStatus(s)).toBe(s);
  });
});
