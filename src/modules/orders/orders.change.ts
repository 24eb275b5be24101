// Status changes, cancel and expiry. Each locks the order row, asks the state
// machines, and writes the change, its event and the customer-message job in one
// transaction. Re-posting the current status is a no-op that sends nothing.
import { domainError } from '../../domain/errors.ts';
import { canTransitionOrder, type OrderStatus } from '../../domain/order/order.machine.ts';
import {
  derivePaymentStatus,
  transitionAttempt,
  transitionPaymentStatus,
  type AttemptStatus,
  type PaymentStatus,
} from '../../domain/payment/payment.machine.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getOrder, updateOrder, type OrderRow } from './orders.repository.ts';
import { listPaymentsForOrder, setPaymentStatus, type PaymentRow } from './payment-attempts.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';

const notFound = (id: string) => err(domainError('not_found', `No order ${id}`));

/** Attempt statuses that still let the customer pay: expiry and cancel close them. */
const OPEN_ATTEMPTS: readonly AttemptStatus[] = ['created', 'failed'];

function derive(order: OrderRow, attempts: PaymentRow[], flags: { expired?: boolean; canceled?: boolean }): PaymentStatus {
  return derivePaymentStatus({
    attempts: attempts.map((a) => ({ status: a.status as AttemptStatus, amount: a.amount, currency: a.currency, counted: a.counted })),
    orderTotal: order.total,
    orderCurrency: order.currency,
    refundedAmount: order.amount_refunded,
    review: (order.review?.['state'] as 'open' | 'accepted' | 'refunded' | undefined) ?? null,
    orderExpired: flags.expired ?? order.payment_status === 'expired',
    orderCanceled: flags.canceled ?? order.payment_status === 'canceled',
  });
}

async function notifyCustomer(ctx: AppContext, tx: Tx, order: OrderRow, kind: string, extra: Record<string, unknown> = {}) {
  await enqueueJob(tx, {
    kind: 'customer.order_update',
    merchantId: order.merchant_id,
    payload: { order_id: order.id, update: kind, seq: order.event_seq, ...extra },
    runAt: ctx.clock.now(),
    dedupeKey: `customer.order_update:${order.id}:${order.event_seq}`,
  });
}

export async function changeOrderStatus(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  to: OrderStatus,
  description?: string,
): Promise<Result<OrderRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return notFound(orderId);
  if (to === 'canceled') return cancelOrder(ctx, tx, actor, merchantId, orderId, description);
  const check = canTransitionOrder(order.status as OrderStatus, to, { paymentStatus: order.payment_status as PaymentStatus });
  if (!check.ok) return check;
  if (check.value === 'unchanged') return ok(order);
  const now = ctx.clock.now();
  await updateOrder(tx, merchantId, orderId, { status: to }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.status_changed',
    data: { status: to, ...(description ? { description } : {}) },
    previous: { status: order.status },
  });
  const updated = (await getOrder(tx, merchantId, orderId))!;
  await notifyCustomer(ctx, tx, updated, 'status', { status: to, description: description ?? null });
  return ok(updated);
}

/**
 * Closes the order and its open attempts. Refused while a payment is pending or captured,
 * except with `closePending` (the system closing an order whose only payment it has just
 * handled as an extra capture: a checkout link over its limit).
 */
export async function cancelOrder(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  reason?: string,
  opts: { closePending?: boolean } = {},
): Promise<Result<OrderRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return notFound(orderId);
  return closeOrder(ctx, tx, actor, order, { kind: 'canceled', reason, closePending: opts.closePending ?? false });
}

/**
 * The expiry job: an unpaid order whose time is up expires; anything else is left
 * alone (idempotent). A payment still pending at the provider holds expiry back until
 * `graceUntil`; after that the order expires anyway, and money that lands later takes
 * the late-payment path (manual_review).
 */
export async function expireOrder(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  orderId: string,
  opts: { graceUntil?: Date } = {},
): Promise<Result<{ expired: boolean; retryAt?: Date }>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return notFound(orderId);
  const now = ctx.clock.now();
  if (order.status !== 'pending' || !['unpaid', 'failed', 'pending'].includes(order.payment_status)) return ok({ expired: false });
  if (order.expires_at.getTime() > now.getTime()) return ok({ expired: false, retryAt: order.expires_at });
  const graceUntil = opts.graceUntil ?? order.expires_at;
  if (order.payment_status === 'pending' && graceUntil.getTime() > now.getTime()) return ok({ expired: false, retryAt: graceUntil });
  const r = await closeOrder(ctx, tx, { source: 'job', id: 'expiry' }, order, { kind: 'expired' });
  return r.ok ? ok({ expired: true }) : r;
}

async function closeOrder(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  order: OrderRow,
  how: { kind: 'canceled' | 'expired'; reason?: string | undefined; closePending?: boolean },
): Promise<Result<OrderRow>> {
  // Expiry past the grace period closes a still-pending attempt first, so the order is
  // checked as unpaid; a cancel is checked as it stands (refused while a payment is pending).
  const closesPending = how.kind === 'expired' || how.closePending === true;
  const asPaymentStatus = closesPending && order.payment_status === 'pending' ? 'unpaid' : (order.payment_status as PaymentStatus);
  const check = canTransitionOrder(order.status as OrderStatus, 'canceled', { paymentStatus: asPaymentStatus });
  if (!check.ok) return check;
  if (check.value === 'unchanged') return ok(order);
  const now = ctx.clock.now();
  const attempts = await listPaymentsForOrder(tx, order.merchant_id, order.id);
  const closedAttempts: string[] = [];
  for (const a of attempts) {
    // Expiry also closes an attempt still pending after the grace period; cancel never
    // gets here with one (a pending payment blocks cancel).
    if (!OPEN_ATTEMPTS.includes(a.status as AttemptStatus) && !(closesPending && a.status === 'pending')) continue;
    const to: AttemptStatus = how.kind === 'expired' ? 'expired' : 'canceled';
    const t = transitionAttempt(a.status as AttemptStatus, to);
    if (!t.ok) return t;
    closedAttempts.push(a.id);
    await setPaymentStatus(tx, order.merchant_id, a.id, to, now);
    await recordEvent(ctx, tx, actor, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: `payment.${to}`,
      data: { payment_id: a.id, reference_id: a.reference_id },
      previous: { status: a.status },
    });
  }
  const after = await listPaymentsForOrder(tx, order.merchant_id, order.id);
  const paymentStatus = derive(order, after, { expired: how.kind === 'expired', canceled: how.kind === 'canceled' });
  const pt = transitionPaymentStatus(order.payment_status as PaymentStatus, paymentStatus);
  if (!pt.ok) return pt;
  await updateOrder(
    tx,
    order.merchant_id,
    order.id,
    { status: 'canceled', payment_status: paymentStatus, cancel_reason: how.reason ?? (how.kind === 'expired' ? 'expired' : null) },
    now,
  );
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: how.kind === 'expired' ? 'order.expired' : 'order.canceled',
    data: { status: 'canceled', payment_status: paymentStatus, ...(how.reason ? { reason: how.reason } : {}), closed_payments: closedAttempts },
    previous: { status: order.status, payment_status: order.payment_status },
  });
  const updated = (await getOrder(tx, order.merchant_id, order.id))!;
  await notifyCustomer(ctx, tx, updated, how.kind);
  // The provider side (cancel or expire the checkout object) is queued for the payments adapters.
  for (const id of closedAttempts) {
    await enqueueJob(tx, {
      kind: 'payment.close_at_provider',
      merchantId: order.merchant_id,
      payload: { payment_id: id },
      runAt: now,
      dedupeKey: `payment.close_at_provider:${id}`,
    });
  }
  return ok(updated);
}
