// What a verified capture does to an order. Pure, so the rules are one table:
// a payment counts only when amount, currency and reference all match the attempt;
// a second capture for a paid order is an extra (refunded by default); a payment
// landing after expiry or cancel, or not matching, goes to manual_review.
import type { AttemptStatus, PaymentStatus } from './payment.machine.ts';

export type ReviewReason = 'amount_mismatch' | 'currency_mismatch' | 'reference_mismatch' | 'paid_after_expiry' | 'paid_after_cancel';

export type CaptureDisposition = { kind: 'counted' } | { kind: 'extra' } | { kind: 'review'; reason: ReviewReason };

export interface CaptureFacts {
  order: { paymentStatus: PaymentStatus; status: string };
  attempt: { status: AttemptStatus; amount: number; currency: string; referenceId: string };
  capture: { amount: number; currency: string; referenceId: string };
  /** Another capture already pays (or paid) this order. */
  orderHasCountedCapture: boolean;
}

export function assessCapture(f: CaptureFacts): CaptureDisposition {
  // The order is already paid (or under review for another capture, or that reviewed
  // capture was refunded: `refunded` is final): any more money is extra, whatever its
  // amount, and is given back.
  if (f.orderHasCountedCapture || f.order.paymentStatus === 'manual_review' || f.order.paymentStatus === 'refunded') return { kind: 'extra' };
  // Mismatches next: money that does not match is never counted silently.
  if (f.capture.currency !== f.attempt.currency) return { kind: 'review', reason: 'currency_mismatch' };
  if (f.capture.amount !== f.attempt.amount) return { kind: 'review', reason: 'amount_mismatch' };
  if (f.capture.referenceId !== f.attempt.referenceId) return { kind: 'review', reason: 'reference_mismatch' };
  if (f.order.paymentStatus === 'expired' || f.attempt.status === 'expired') return { kind: 'review', reason: 'paid_after_expiry' };
  if (f.order.paymentStatus === 'canceled' || f.order.status === 'canceled') return { kind: 'review', reason: 'paid_after_cancel' };
  // An attempt superseded by a resent bill, paid while the order is still open and
  // unpaid, pays the order: the customer paid the right amount for it.
  return { kind: 'counted' };
}
