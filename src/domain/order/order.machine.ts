// Order `status` (what WhatsApp's order_status bubble shows) as data plus one pure function.
// docs/state-machines.md is generated from these tables (src/domain/transitions.doc.ts).
// Source: Meta's order_status rules (shared/reference/whatsapp.md §3.4): the initial status is
// `pending`; `pending` → any; processing / partially_shipped / shipped are equivalent and move
// among themselves or to a terminal status; `completed` and `canceled` are terminal.
import { domainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import type { PaymentStatus } from '../payment/payment.machine.ts';

export const ORDER_STATUSES = ['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Allowed moves from each status, before the payment guard and the review exit below. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['processing', 'partially_shipped', 'shipped', 'completed', 'canceled'],
  processing: ['partially_shipped', 'shipped', 'completed', 'canceled'],
  partially_shipped: ['processing', 'shipped', 'completed', 'canceled'],
  shipped: ['processing', 'partially_shipped', 'completed', 'canceled'],
  completed: [],
  canceled: [],
};

/**
 * `canceled` is refused while a payment is pending or captured: Meta answers error 2047
 * ("Could not change order status to 'canceled'"). Refund first (→ refunded) or resolve the review.
 */
export const CANCEL_BLOCKING_PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'paid', 'partially_refunded', 'manual_review'];

/**
 * The ONE exit from a terminal status: accepting a late payment in manual review
 * (`POST /v1/orders/{id}/review {action:"accept"}`) moves an expired, canceled order to
 * `processing`. Any other caller asking for canceled → processing is refused.
 */
export const ORDER_REVIEW_ACCEPT_EXIT = {
  from: 'canceled',
  to: 'processing',
  via: 'review_accept',
} as const satisfies { from: OrderStatus; to: OrderStatus; via: string };

export interface OrderTransitionContext {
  paymentStatus: PaymentStatus;
  via?: 'review_accept';
}

/** The statuses `from` may move to right now, given the order's payment_status and the caller. */
export function allowedOrderTransitions(from: OrderStatus, ctx: OrderTransitionContext): OrderStatus[] {
  const cancelBlocked = CANCEL_BLOCKING_PAYMENT_STATUSES.includes(ctx.paymentStatus);
  const allowed = ORDER_TRANSITIONS[from].filter((to) => !(to === 'canceled' && cancelBlocked));
  const exit = ORDER_REVIEW_ACCEPT_EXIT;
  if (from === exit.from && ctx.via === exit.via) allowed.push(exit.to);
  return allowed;
}

/**
 * Checks one status change. Same status → ok('unchanged'): re-posting the current status is a
 * no-op (200, nothing sent), even for terminal statuses. Otherwise ok('changed') when allowed, else
 * `invalid_transition` with details `{from, to, allowed, payment_status}`.
 */
export function canTransitionOrder(from: OrderStatus, to: OrderStatus, ctx: OrderTransitionContext): Result<'changed' | 'unchanged'> {
  if (from === to) return ok('unchanged');
  const allowed = allowedOrderTransitions(from, ctx);
  if (allowed.includes(to)) return ok('changed');
  const details = { from, to, allowed, payment_status: ctx.paymentStatus };
  if (to === 'canceled' && ORDER_TRANSITIONS[from].includes('canceled')) {
    return err(
      domainError(
        'invalid_transition',
        `cannot cancel an order whose payment_status is ${ctx.paymentStatus}: a payment is pending or captured (refund it or resolve the review first)`,
        details,
      ),
    );
  }
  if (from === ORDER_REVIEW_ACCEPT_EXIT.from && to === ORDER_REVIEW_ACCEPT_EXIT.to) {
    return err(domainError('invalid_transition', 'a canceled order moves to processing only by accepting a late payment (review accept)', details));
  }
  const why = allowed.length === 0 ? `${from} is terminal` : `allowed: ${allowed.join(', ')}`;
  return err(domainError('invalid_transition', `order status cannot move from ${from} to ${to} (${why})`, details));
}

// Meta's spelling, written by the WhatsApp adapter. Meta's JSON example writes
// `partially_shipped`; its tables also write `partially-shipped` (unconfirmed which one the API
// accepts, see whatsapp.md §3.4) — we send the JSON example's spelling; anything parsing Meta's
// spelling should accept both.
const WHATSAPP_ORDER_STATUS: Record<OrderStatus, string> = {
  pending: 'pending',
  processing: 'processing',
  partially_shipped: 'partially_shipped',
  shipped: 'shipped',
  completed: 'completed',
  canceled: 'canceled',
};

export function toWhatsAppOrderStatus(s: OrderStatus): string {
  return WHATSAPP_ORDER_STATUS[s];
}
