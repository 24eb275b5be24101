import { describe, expect, it } from 'vitest';
import type { OrderRow, PaymentRow } from '../orders/index.ts';
import { billStillOpen } from './reminders.send.ts';

const now = new Date('2026-05-04T10:00:00Z');
const later = new Date('2026-05-05T10:00:00Z');
const order = (over: Partial<OrderRow> & { source?: string } = {}) =>
  ({ id: 'ord_1', status: 'pending', payment_status: 'unpaid', current_payment_id: 'pay_1', expires_at: later, metadata: {}, ...over }) as OrderRow;
const payment = (over: Partial<PaymentRow> = {}) => ({ id: 'pay_1', status: 'created', pay_token: 'tok', expires_at: later, ...over }) as PaymentRow;

describe('billStillOpen: a reminder goes only for the open, unpaid, unexpired current bill with a pay link', () => {
  it.each([
    ['open', order(), payment(), true],
    ['a failed try can still be paid', order({ payment_status: 'failed' }), payment({ status: 'failed' }), true],
    ['paid', order({ status: 'processing', payment_status: 'paid' }), payment({ status: 'captured' }), false],
    ['a payment in flight', order(), payment({ status: 'pending' }), false],
    ['canceled', order({ status: 'canceled', payment_status: 'unpaid' }), payment({ status: 'canceled' }), false],
    ['expired', order(), payment({ expires_at: now }), false],
    ['the order expired', order({ expires_at: now }), payment(), false],
    ['superseded by a new bill', order({ current_payment_id: 'pay_2' }), payment(), false],
    ['no pay link (order_details, cash on delivery)', order(), payment({ pay_token: null }), false],
    ['a COD order confirmed (processing, unpaid)', order({ status: 'processing' }), payment(), false],
    ['a checkout-link order', order({ source: 'checkout_link' }), payment(), false],
  ])('%s', (_name, o, p, open) => {
    expect(billStillOpen(o, p, now)).toBe(open);
  });
});
