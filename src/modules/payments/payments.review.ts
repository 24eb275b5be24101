// Resolving manual_review: `accept` keeps the late or mismatched payment as the
// order's payment (a canceled order goes back to processing: the one exit from
// canceled); `refund` gives it back. Either way the decision is in the event log.
import { domainError } from '../../domain/errors.ts';
import { reviewAccepted } from '../../domain/ledger/postings.ts';
import { canTransitionOrder, type OrderStatus } from '../../domain/order/order.machine.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getOrder, updateOrder, type OrderRow } from '../orders/index.ts';
import { getPayment, updatePayment } from '../orders/index.ts';
import { getProviderPaymentByProviderId, updateProviderPayment } from './provider-payments.repository.ts';
import { listRefundsForOrder } from './refunds.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { postAndProject } from '../ledger/index.ts';
import { checkPaymentStatusChange, type ReviewState } from './payments.status.ts';
import { createSystemRefund } from './payments.refunds.ts';

export async function resolveReview(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  input: { action: 'accept' | 'refund'; note?: string | undefined },
): Promise<Result<OrderRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  const review = order.review as (ReviewState & { payment_id: string; provider: string; provider_payment_id: string; amount: number; currency: string }) | null;
  if (order.payment_status !== 'manual_review' || !review || review.state !== 'open') {
    return err(domainError('invalid_transition', `Order ${orderId} is not in manual_review`, { payment_status: order.payment_status }));
  }
  const refunding = (await listRefundsForOrder(tx, merchantId, orderId)).some((r) => r.kind === 'review' && r.status === 'pending');
  if (refunding) return err(domainError('conflict', 'A refund of this payment is already under way', { review }));
  const now = ctx.clock.now();
  const attempt = (await getPayment(tx, merchantId, review.payment_id))!;

  if (input.action === 'refund') {
    await recordEvent(ctx, tx, actor, {
      merchantId,
      orderId,
      type: 'order.review_resolved',
      data: { action: 'refund', note: input.note ?? null, reason: review.reason },
    });
    await createSystemRefund(ctx, tx, actor, {
      order,
      attempt,
      providerPaymentId: review.provider_payment_id,
      amount: review.amount,
      currency: review.currency,
      kind: 'review',
      reason: input.note ?? `review: ${review.reason}`,
    });
    return ok((await getOrder(tx, merchantId, orderId))!);
  }

  const check = checkPaymentStatusChange(order.payment_status, 'paid');
  if (!check.ok) return check;
  const status: OrderStatus = order.status === 'canceled' || order.status === 'pending' ? 'processing' : (order.status as OrderStatus);
  if (status !== order.status) {
    const t = canTransitionOrder(order.status as OrderStatus, status, { paymentStatus: 'paid', via: 'review_accept' });
    if (!t.ok) return t;
  }
  const pp = await getProviderPaymentByProviderId(tx, merchantId, review.provider, review.provider_payment_id);
  if (pp) await updateProviderPayment(tx, pp.id, { disposition: 'counted' }, now);
  await updatePayment(tx, merchantId, attempt.id, { counted: true }, now);
  // The suspense booked at capture becomes the order's revenue; amount_paid is projected from it.
  const posted = await postAndProject(
    tx,
    merchantId,
    reviewAccepted({
      provider: review.provider,
      providerPaymentId: review.provider_payment_id,
      orderId,
      amount: review.amount,
      currency: review.currency,
      eventAt: now,
      orderTotal: order.total,
      orderTax: order.tax,
    }),
    now,
  );
  const amountPaid = posted.order?.amount_paid ?? order.amount_paid;
  await updateOrder(
    tx,
    merchantId,
    orderId,
    {
      review: { ...review, state: 'accepted', resolved_at: now.toISOString(), note: input.note ?? null },
      payment_status: 'paid',
      status,
      current_payment_id: attempt.id,
      cancel_reason: null,
    } as Parameters<typeof updateOrder>[3],
    now,
  );
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.review_resolved',
    data: { action: 'accept', note: input.note ?? null, reason: review.reason, payment_status: 'paid', status, amount_paid: amountPaid },
    previous: { payment_status: order.payment_status, status: order.status },
  });
  const fresh = (await getOrder(tx, merchantId, orderId))!;
  // The WhatsApp bubble of an expired bill is closed: the customer is told by text.
  await enqueueJob(tx, {
    kind: 'customer.order_update',
    merchantId,
    payload: { order_id: orderId, update: 'late_payment_accepted', status, seq: fresh.event_seq, channel: 'text' },
    runAt: now,
    dedupeKey: `customer.order_update:${orderId}:${fresh.event_seq}`,
  });
  return ok(fresh);
}
