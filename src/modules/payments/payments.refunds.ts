// Refunds. The order row is locked and the amount reserved by the pending refund
// row itself, so concurrent refunds can never exceed what was paid. The provider
// call happens in a job, with our rfd_ id as its idempotency key; its outcome
// arrives from that call or from the provider's webhook, whichever is first.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { refundSucceeded } from '../../domain/ledger/postings.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getOrder, RECORDED_PROVIDER, updateOrder, type OrderRow } from '../orders/index.ts';
import { getPayment, type PaymentRow } from '../orders/index.ts';
import { getProviderPaymentByProviderId, updateProviderPayment } from './provider-payments.repository.ts';
import { getRefund, insertRefund, listRefundsForOrder, updateRefund, type RefundRow } from './refunds.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { postAndProject } from '../ledger/index.ts';
import { checkPaymentStatusChange, derivedPaymentStatus, type ReviewState } from './payments.status.ts';

const REFUNDABLE_STATUSES = ['paid', 'partially_refunded'];

export function refundView(r: RefundRow) {
  return {
    refund_id: r.id,
    payment_id: r.payment_id,
    amount: r.amount,
    currency: r.currency,
    kind: r.kind,
    provider: r.provider,
    provider_refund_id: r.provider_refund_id,
  };
}

async function queueRefund(ctx: AppContext, tx: Tx, actor: Actor, order: OrderRow, refund: RefundRow) {
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'refund.created',
    data: { ...refundView(refund), reason: refund.reason },
  });
  await enqueueJob(tx, {
    kind: 'refund.execute',
    merchantId: order.merchant_id,
    payload: { refund_id: refund.id },
    runAt: ctx.clock.now(),
    dedupeKey: `refund.execute:${refund.id}`,
  });
}

/** A refund the merchant asks for: full by default, partial with an amount. */
export async function createRefund(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  input: { amount?: number | undefined; reason?: string | undefined },
): Promise<Result<RefundRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  if (!REFUNDABLE_STATUSES.includes(order.payment_status)) {
    return err(
      domainError('invalid_transition', `An order with payment_status ${order.payment_status} cannot be refunded`, { payment_status: order.payment_status }),
    );
  }
  const attempt = (await getPayment(tx, merchantId, order.current_payment_id ?? ''))!;
  if (!attempt?.counted || !attempt.provider_payment_id) return err(domainError('conflict', 'This order has no captured payment to refund'));
  const reserved = (await listRefundsForOrder(tx, merchantId, orderId))
    .filter((r) => r.kind === 'merchant' && r.status !== 'failed')
    .reduce((s, r) => s + r.amount, 0);
  const refundable = order.amount_paid - reserved;
  if (refundable <= 0) return err(domainError('conflict', 'Nothing is left to refund on this order (pending refunds count)', { refundable: 0 }));
  const amount = input.amount ?? refundable;
  if (amount > refundable) {
    return err(
      domainError('validation_error', `amount ${amount} exceeds what can still be refunded (${refundable}; pending refunds count)`, {
        path: 'amount',
        refundable,
      }),
    );
  }
  const refund = await insertRefund(tx, {
    id: newId('rfd'),
    merchant_id: merchantId,
    order_id: orderId,
    payment_id: attempt.id,
    amount,
    currency: order.currency,
    reason: input.reason ?? null,
    provider: attempt.provider,
    provider_payment_id: attempt.provider_payment_id,
    kind: 'merchant',
    now: ctx.clock.now(),
  });
  if (attempt.provider === RECORDED_PROVIDER) {
    // Money the staff took is handed back by the staff: a recorded refund, never a provider call.
    await recordEvent(ctx, tx, actor, { merchantId, orderId, type: 'refund.created', data: { ...refundView(refund), reason: refund.reason, recorded: true } });
    await applyRefundOutcome(ctx, tx, actor, merchantId, refund.id, { status: 'succeeded' });
    return ok((await getRefund(tx, merchantId, refund.id))!);
  }
  await queueRefund(ctx, tx, actor, order, refund);
  return ok(refund);
}

/** A refund we owe without being asked: an extra capture, or a late/mismatched payment under the refund policy. */
export async function createSystemRefund(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  r: { order: OrderRow; attempt: PaymentRow; providerPaymentId: string; amount: number; currency: string; kind: 'extra_capture' | 'review'; reason: string },
): Promise<RefundRow> {
  const refund = await insertRefund(tx, {
    id: newId('rfd'),
    merchant_id: r.order.merchant_id,
    order_id: r.order.id,
    payment_id: r.attempt.id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    provider: r.attempt.provider,
    provider_payment_id: r.providerPaymentId,
    kind: r.kind,
    now: ctx.clock.now(),
  });
  await queueRefund(ctx, tx, actor, r.order, refund);
  return refund;
}

/**
 * The provider's answer about a refund. Monotonic: pending → succeeded | failed, and a
 * final state never changes again, so duplicate and late webhooks are no-ops.
 */
export async function applyRefundOutcome(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  refundId: string,
  outcome: { status: 'pending' | 'succeeded' | 'failed'; providerRefundId?: string | undefined; reason?: string | undefined },
): Promise<'changed' | 'unchanged'> {
  const peek = await getRefund(tx, merchantId, refundId);
  if (!peek) return 'unchanged';
  const order = (await getOrder(tx, merchantId, peek.order_id, { forUpdate: true }))!;
  const refund = (await getRefund(tx, merchantId, refundId, { forUpdate: true }))!;
  const now = ctx.clock.now();
  if (refund.status !== 'pending') return 'unchanged';
  if (outcome.status === 'pending') {
    if (outcome.providerRefundId && !refund.provider_refund_id) await updateRefund(tx, refund.id, { provider_refund_id: outcome.providerRefundId }, now);
    return 'unchanged';
  }
  const updated = await updateRefund(
    tx,
    refund.id,
    { status: outcome.status, provider_refund_id: outcome.providerRefundId ?? refund.provider_refund_id ?? undefined, failure_reason: outcome.reason ?? null },
    now,
  );
  if (outcome.status === 'failed') {
    await recordEvent(ctx, tx, actor, {
      merchantId,
      orderId: order.id,
      type: 'refund.failed',
      data: { ...refundView(updated), reason: outcome.reason ?? null },
      previous: { status: 'pending' },
    });
    return 'changed';
  }
  // The ledger first: amount_refunded is projected from it (merchant refunds only; a refund of
  // an extra or reviewed capture gives back money that never paid the order).
  const posted = await postAndProject(
    tx,
    merchantId,
    refundSucceeded({
      provider: refund.provider ?? 'unknown',
      providerPaymentId: refund.provider_payment_id,
      orderId: order.id,
      refundId: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      refundKind: refund.kind as 'merchant' | 'extra_capture' | 'review',
      eventAt: now,
    }),
    now,
  );
  const amountRefunded = posted.order?.amount_refunded ?? order.amount_refunded;
  const patch: Parameters<typeof updateOrder>[3] = {};
  if (refund.kind === 'review') patch.review = { ...(order.review as ReviewState), state: 'refunded', resolved_at: now.toISOString() };
  if (refund.provider && refund.provider_payment_id) {
    const pp = await getProviderPaymentByProviderId(tx, merchantId, refund.provider, refund.provider_payment_id);
    const refundedOfPayment = (await listRefundsForOrder(tx, merchantId, order.id))
      .filter((r) => r.provider_payment_id === refund.provider_payment_id && (r.status === 'succeeded' || r.id === refund.id))
      .reduce((s, r) => s + r.amount, 0);
    if (pp && refundedOfPayment >= pp.amount) await updateProviderPayment(tx, pp.id, { status: 'refunded' }, now);
  }
  const staged = { ...order, ...patch, amount_refunded: amountRefunded } as OrderRow;
  const paymentStatus = await derivedPaymentStatus(tx, staged);
  const check = checkPaymentStatusChange(order.payment_status, paymentStatus);
  if (!check.ok) throw new Error(`order ${order.id}: ${check.error.message}`);
  await updateOrder(tx, merchantId, order.id, { ...patch, payment_status: paymentStatus }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId: order.id,
    type: 'refund.succeeded',
    data: { ...refundView(updated), payment_status: paymentStatus, amount_refunded: amountRefunded },
    previous: { status: 'pending', payment_status: order.payment_status },
  });
  if (refund.kind !== 'extra_capture') {
    const fresh = (await getOrder(tx, merchantId, order.id))!;
    await enqueueJob(tx, {
      kind: 'customer.order_update',
      merchantId,
      payload: { order_id: order.id, update: 'refunded', refund_id: refund.id, amount: refund.amount, seq: fresh.event_seq },
      runAt: now,
      dedupeKey: `customer.order_update:${order.id}:${fresh.event_seq}`,
    });
  }
  return 'changed';
}
