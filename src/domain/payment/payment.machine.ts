// Payment attempts and the order's payment_status as data plus pure functions.
// docs/state-machines.md is generated from these tables (src/domain/transitions.doc.ts).
import { domainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

// ---------------------------------------------------------------------------------------------
// Attempt status: one bill / checkout (its own reference_id and provider ids).

export const ATTEMPT_STATUSES = ['created', 'pending', 'captured', 'failed', 'canceled', 'expired', 'voided'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const ATTEMPT_TRANSITIONS: Record<AttemptStatus, readonly AttemptStatus[]> = {
  created: ['pending', 'captured', 'failed', 'canceled', 'expired'],
  pending: ['captured', 'failed', 'canceled', 'expired'],
  // A failed attempt may still be captured when the customer retries the same link.
  failed: ['pending', 'captured', 'canceled', 'expired'],
  // A capture after expiry or cancellation is a late payment (the order goes to manual_review).
  expired: ['captured'],
  canceled: ['captured'],
  // Only a payment recorded by staff (POST /v1/orders/{id}/record-payment/{id}/void, the
  // owner): the record was a mistake. Money a provider captured is undone by a refund.
  captured: ['voided'],
  voided: [],
};

/**
 * Stale events: targets the attempt has already moved past. Provider events arrive late, twice and
 * out of order (a `pending` webhook after the `captured` one; a `failed` retry report after the
 * link expired; the expiry job after a cancel). They are answered ok('unchanged') and ignored.
 * Every other pair outside ATTEMPT_TRANSITIONS is genuinely impossible → invalid_transition:
 * anything → `created` (only the initial status), and captured → canceled / expired (money has
 * moved; undo it with a refund, which is its own record).
 */
export const ATTEMPT_STALE: Record<AttemptStatus, readonly AttemptStatus[]> = {
  created: [],
  pending: [],
  failed: [],
  expired: ['pending', 'failed', 'canceled'],
  canceled: ['pending', 'failed', 'expired'],
  captured: ['pending', 'failed'],
  voided: ['pending', 'failed', 'canceled', 'expired'],
};

/** Same → unchanged; allowed → changed; stale (see ATTEMPT_STALE) → unchanged; else invalid_transition. */
export function transitionAttempt(from: AttemptStatus, to: AttemptStatus): Result<'changed' | 'unchanged'> {
  if (from === to || ATTEMPT_STALE[from].includes(to)) return ok('unchanged');
  const allowed = ATTEMPT_TRANSITIONS[from];
  if (allowed.includes(to)) return ok('changed');
  return err(domainError('invalid_transition', `payment attempt cannot move from ${from} to ${to}`, { from, to, allowed }));
}

// ---------------------------------------------------------------------------------------------
// The order's payment_status, derived from its attempts, refunds and review.

export const PAYMENT_STATUSES = ['unpaid', 'pending', 'paid', 'failed', 'expired', 'canceled', 'manual_review', 'partially_refunded', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_STATUS_TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  unpaid: ['pending', 'paid', 'failed', 'expired', 'canceled', 'manual_review'],
  pending: ['unpaid', 'paid', 'failed', 'expired', 'canceled', 'manual_review'],
  failed: ['unpaid', 'pending', 'paid', 'expired', 'canceled', 'manual_review'],
  // A payment landing after expiry or cancellation is late: a person decides.
  expired: ['manual_review'],
  canceled: ['manual_review'],
  manual_review: ['paid', 'refunded'],
  // → unpaid: the payment that paid it was a recorded one, and the owner voided it.
  paid: ['unpaid', 'partially_refunded', 'refunded'],
  // Another partial refund leaves it partially_refunded: same status → 'unchanged'.
  partially_refunded: ['refunded'],
  refunded: [],
};

/** Same → unchanged (e.g. a second partial refund); allowed → changed; else invalid_transition. */
export function transitionPaymentStatus(from: PaymentStatus, to: PaymentStatus): Result<'changed' | 'unchanged'> {
  if (from === to) return ok('unchanged');
  const allowed = PAYMENT_STATUS_TRANSITIONS[from];
  if (allowed.includes(to)) return ok('changed');
  return err(domainError('invalid_transition', `payment_status cannot move from ${from} to ${to}`, { from, to, allowed }));
}

export interface AttemptSnapshot {
  status: AttemptStatus;
  amount: number; // minor units
  currency: string;
  /** The one capture that pays the order. An extra capture stays counted=false. */
  counted: boolean;
  /** Captured after the order expired or was canceled. */
  late?: boolean;
  /** Amount, currency or reference did not match the order. */
  mismatch?: boolean;
}

export interface PaymentStatusInput {
  /** Oldest first: the last one is the latest attempt (the current bill). */
  attempts: readonly AttemptSnapshot[];
  orderTotal: number;
  orderCurrency: string;
  /** Succeeded refunds of the order's payment (refunds of an extra capture are not included). */
  refundedAmount: number;
  review: null | 'open' | 'accepted' | 'refunded';
  orderExpired: boolean;
  orderCanceled: boolean;
}

/** The first-matching rules, in order; derivePaymentStatus implements exactly this list. */
export const PAYMENT_STATUS_RULES: readonly string[] = [
  'an open review → `manual_review`',
  'a review resolved by refund → `refunded`',
  'the counted capture (or an accepted review) → `paid`, `partially_refunded` or `refunded`, by succeeded refunds against the captured amount',
  'an uncounted capture that is late or mismatched, with no review recorded yet → `manual_review` (a review is due)',
  'any attempt `pending` → `pending`',
  'the order expired → `expired`',
  'the order canceled → `canceled`',
  'the latest attempt `failed` → `failed`',
  'otherwise → `unpaid`',
];

/**
 * The order's payment_status. Rule precedence (first match wins):
 *  1. review open                                   → manual_review
 *  2. review refunded                               → refunded
 *  3. counted captured attempt, or review accepted  → paid | partially_refunded | refunded
 *     (refundedAmount ≤ 0 → paid; ≥ captured amount → refunded; else partially_refunded)
 *  4. uncounted capture flagged late or mismatched (or whose amount/currency differs from the
 *     order's) and no review recorded               → manual_review
 *  5. any attempt pending                           → pending
 *  6. orderExpired                                  → expired
 *  7. orderCanceled                                 → canceled
 *  8. latest attempt failed                         → failed
 *  9. otherwise                                     → unpaid
 * Only the counted capture counts: an extra capture (counted=false, matching) and its refund do
 * not change the status.
 */
export function derivePaymentStatus(input: PaymentStatusInput): PaymentStatus {
  const { attempts, review } = input;
  if (review === 'open') return 'manual_review';
  if (review === 'refunded') return 'refunded';

  const captures = attempts.filter((a) => a.status === 'captured');
  const counted = captures.find((a) => a.counted);
  const needsReview = captures.filter((a) => !a.counted && (a.late || a.mismatch || a.amount !== input.orderTotal || a.currency !== input.orderCurrency));

  if (counted || review === 'accepted') {
    // After an accept, the reviewed (late or mismatched) capture is the payment.
    const captured = counted?.amount ?? needsReview.at(-1)?.amount ?? captures.at(-1)?.amount ?? input.orderTotal;
    if (input.refundedAmount <= 0) return 'paid';
    return input.refundedAmount >= captured ? 'refunded' : 'partially_refunded';
  }
  if (needsReview.length > 0) return 'manual_review';
  if (attempts.some((a) => a.status === 'pending')) return 'pending';
  if (input.orderExpired) return 'expired';
  if (input.orderCanceled) return 'canceled';
  if (attempts.at(-1)?.status === 'failed') return 'failed';
  return 'unpaid';
}
