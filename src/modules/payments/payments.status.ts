// The order's payment_status is derived, never set by hand: from its attempts, the
// counted capture, succeeded refunds and an open review (domain/payment rules), and
// every change is checked against the published transition table.
import { derivePaymentStatus, transitionPaymentStatus, type AttemptStatus, type PaymentStatus } from '../../domain/payment/payment.machine.ts';
import type { Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { OrderRow } from '../orders/index.ts';
import { listPaymentsForOrder } from '../orders/index.ts';
import { listRefundsForOrder } from './refunds.repository.ts';

export type ReviewState = { state: 'open' | 'accepted' | 'refunded'; reason: string; [k: string]: unknown };

export async function derivedPaymentStatus(tx: Tx, order: OrderRow, flags: { expired?: boolean; canceled?: boolean } = {}): Promise<PaymentStatus> {
  const attempts = await listPaymentsForOrder(tx, order.merchant_id, order.id);
  const refunds = await listRefundsForOrder(tx, order.merchant_id, order.id);
  const review = (order.review as ReviewState | null)?.state ?? null;
  return derivePaymentStatus({
    attempts: attempts.map((a) => ({ status: a.status as AttemptStatus, amount: a.amount, currency: a.currency, counted: a.counted })),
    orderTotal: order.total,
    orderCurrency: order.currency,
    // Refunds of an extra capture give back money that never paid the order.
    refundedAmount: refunds.filter((r) => r.status === 'succeeded' && r.kind === 'merchant').reduce((s, r) => s + r.amount, 0),
    review,
    orderExpired: flags.expired ?? order.payment_status === 'expired',
    orderCanceled: flags.canceled ?? (order.payment_status === 'canceled' || (order.status === 'canceled' && order.payment_status !== 'expired')),
  });
}

/** The new status, checked against the transition table ('unchanged' when equal). */
export function checkPaymentStatusChange(from: string, to: PaymentStatus): Result<'changed' | 'unchanged'> {
  return transitionPaymentStatus(from as PaymentStatus, to);
}
