// Applying what a provider says about a payment, after verification: a signed
// webhook or a lookup, with amount, currency and reference in hand. Every function
// locks the order row first, so concurrent deliveries of the same fact serialize,
// and the provider payment's unique key turns redeliveries into no-ops.
import { newId } from '../../domain/ids.ts';
import { canTransitionOrder, type OrderStatus } from '../../domain/order/order.machine.ts';
import { captureApplied, captureUnapplied } from '../../domain/ledger/postings.ts';
import { assessCapture, type ReviewReason } from '../../domain/payment/capture.ts';
import { transitionAttempt, type AttemptStatus, type PaymentStatus } from '../../domain/payment/payment.machine.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { cancelOrder, getOrder, RECORDED_PROVIDER, updateOrder, type OrderRow } from '../orders/index.ts';
import { findPaymentByProviderObject, findPaymentByReference, getPayment, listPaymentsForOrder, updatePayment, type PaymentRow } from '../orders/index.ts';
import { getProviderPaymentByProviderId, listProviderPaymentsForOrder, updateProviderPayment, upsertProviderPayment } from './provider-payments.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { postAndProject, recordProviderFee } from '../ledger/index.ts';
import { getMerchantPolicies } from './payments.policies.ts';
import { checkPaymentStatusChange, derivedPaymentStatus } from './payments.status.ts';
import { createSystemRefund } from './payments.refunds.ts';

export type ApplyOutcome = 'counted' | 'extra' | 'review' | 'duplicate' | 'unmatched' | 'recorded' | 'stale';

export interface PaymentFact {
  merchantId: string;
  provider: string;
  providerPaymentId: string;
  providerObjectId?: string | undefined;
  referenceId?: string | undefined;
  amount: number;
  currency: string;
  verifiedBy: 'webhook' | 'lookup';
  /** When the provider says it happened (the ledger's event_at); now when unknown. */
  occurredAt?: Date | undefined;
  /** What the provider kept of it, when it says (Razorpay's payment entity: fee incl. tax, and that tax). */
  fee?: number | undefined;
  feeTax?: number | undefined;
}

/** The attempt an event is about: by checkout object, by reference, or by a provider payment seen before. */
export async function locateAttempt(
  tx: Tx,
  merchantId: string,
  provider: string,
  f: { providerObjectId?: string | undefined; referenceId?: string | undefined; providerPaymentId?: string | undefined },
): Promise<PaymentRow | undefined> {
  const byObject = f.providerObjectId ? await findPaymentByProviderObject(tx, merchantId, provider, f.providerObjectId) : undefined;
  if (byObject) return byObject;
  const byRef = f.referenceId ? await findPaymentByReference(tx, merchantId, f.referenceId) : undefined;
  if (byRef && byRef.provider === provider) return byRef;
  const seen = f.providerPaymentId ? await getProviderPaymentByProviderId(tx, merchantId, provider, f.providerPaymentId) : undefined;
  return seen?.payment_id ? getPayment(tx, merchantId, seen.payment_id) : undefined;
}

async function notify(ctx: AppContext, tx: Tx, order: OrderRow, update: string, extra: Record<string, unknown> = {}) {
  await enqueueJob(tx, {
    kind: 'customer.order_update',
    merchantId: order.merchant_id,
    payload: { order_id: order.id, update, seq: order.event_seq, ...extra },
    runAt: ctx.clock.now(),
    dedupeKey: `customer.order_update:${order.id}:${order.event_seq}`,
  });
}

/** A verified capture: counts it, flags it as extra, or sends the order to manual review. */
export async function applyCapture(ctx: AppContext, tx: Tx, actor: Actor, fact: PaymentFact): Promise<ApplyOutcome> {
  const located = await locateAttempt(tx, fact.merchantId, fact.provider, fact);
  if (!located) return 'unmatched';
  const order = (await getOrder(tx, fact.merchantId, located.order_id, { forUpdate: true }))!;
  // Read again under the order's lock: a concurrent capture or report may have changed it while we waited.
  const attempt = (await getPayment(tx, fact.merchantId, located.id))!;
  const now = ctx.clock.now();
  const { row: pp } = await upsertProviderPayment(tx, {
    id: newId('ppy'),
    merchantId: fact.merchantId,
    provider: fact.provider,
    providerPaymentId: fact.providerPaymentId,
    paymentId: attempt.id,
    orderId: order.id,
    status: 'captured',
    amount: fact.amount,
    currency: fact.currency,
    referenceId: fact.referenceId ?? null,
    now,
  });
  const eventAt = fact.occurredAt && !Number.isNaN(fact.occurredAt.getTime()) ? fact.occurredAt : now;
  if (fact.fee !== undefined && fact.fee > 0) {
    // Keyed by the provider payment: a fee reported again (or by reconciliation) books nothing.
    const fee = await recordProviderFee(tx, {
      merchantId: fact.merchantId,
      provider: fact.provider,
      providerPaymentId: fact.providerPaymentId,
      orderId: order.id,
      fee: fact.fee,
      ...(fact.feeTax !== undefined ? { tax: fact.feeTax } : {}),
      currency: fact.currency,
      eventAt,
      source: fact.verifiedBy,
      now,
    });
    if (!fee.ok) ctx.log.warn({ provider: fact.provider, provider_payment_id: fact.providerPaymentId, err: fee.error.message }, 'provider fee not booked');
  }
  // The same capture seen before (another event type, a redelivery, a lookup): no second effect.
  if (pp.disposition !== null) return 'duplicate';
  const ledgerBase = {
    provider: fact.provider,
    providerPaymentId: fact.providerPaymentId,
    orderId: order.id,
    amount: fact.amount,
    currency: fact.currency,
    eventAt,
  };

  const others = await listProviderPaymentsForOrder(tx, fact.merchantId, order.id);
  const disposition = assessCapture({
    order: { paymentStatus: order.payment_status as PaymentStatus, status: order.status },
    attempt: { status: attempt.status as AttemptStatus, amount: attempt.amount, currency: attempt.currency, referenceId: attempt.reference_id },
    capture: { amount: fact.amount, currency: fact.currency, referenceId: fact.referenceId ?? attempt.reference_id },
    // A payment recorded by staff pays the order too (it has no provider payment row).
    orderHasCountedCapture:
      others.some((p) => p.id !== pp.id && p.disposition === 'counted') ||
      (await listPaymentsForOrder(tx, fact.merchantId, order.id)).some((a) => a.id !== attempt.id && a.counted && a.provider === RECORDED_PROVIDER),
  });
  const base = {
    payment_id: attempt.id,
    reference_id: attempt.reference_id,
    provider: fact.provider,
    provider_payment_id: fact.providerPaymentId,
    amount: fact.amount,
    currency: fact.currency,
    verified_by: fact.verifiedBy,
  };

  // A capture that would count may still be over a limit of something above us (a checkout
  // link's max_payments, counted here under its lock): then it is an extra capture too.
  let overLimit: string | undefined;
  if (disposition.kind === 'counted') {
    for (const limit of ctx.captureLimits) {
      overLimit = await limit(ctx, tx, { merchantId: order.merchant_id, orderId: order.id }, { count: true });
      if (overLimit) break;
    }
  }

  if (disposition.kind === 'extra' || overLimit) {
    await updateProviderPayment(
      tx,
      pp.id,
      { status: 'captured', disposition: 'extra', verified_by: fact.verifiedBy, captured_at: now, amount: fact.amount, currency: fact.currency },
      now,
    );
    await postAndProject(tx, fact.merchantId, captureUnapplied({ ...ledgerBase, reason: 'extra' }), now);
    const extras = [...((attempt.flags['extra_captures'] as string[] | undefined) ?? []), fact.providerPaymentId];
    const flags = { ...attempt.flags, extra_captures: extras, ...(overLimit ? { over_limit: overLimit } : {}) };
    await updatePayment(tx, fact.merchantId, attempt.id, { flags }, now);
    await recordEvent(ctx, tx, actor, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'payment.extra_captured',
      data: overLimit ? { ...base, reason: overLimit } : base,
    });
    const policy = (await getMerchantPolicies(tx, order.merchant_id)).extra_capture;
    if (policy === 'refund') {
      await createSystemRefund(ctx, tx, actor, {
        order,
        attempt,
        providerPaymentId: fact.providerPaymentId,
        amount: fact.amount,
        currency: fact.currency,
        kind: 'extra_capture',
        reason: overLimit ?? 'extra capture for an order already paid',
      });
    }
    // Over a limit, the order itself was never paid: it is closed, so it is not billed again.
    if (overLimit) {
      const closed = await cancelOrder(ctx, tx, actor, order.merchant_id, order.id, overLimit, { closePending: true });
      if (!closed.ok) ctx.log.warn({ order: order.id, err: closed.error.message }, 'order over its limit not closed');
    }
    return 'extra';
  }

  const captured = transitionAttempt(attempt.status as AttemptStatus, 'captured');
  if (!captured.ok) throw new Error(`attempt ${attempt.id}: ${captured.error.message}`);
  if (disposition.kind === 'review') {
    await postAndProject(tx, fact.merchantId, captureUnapplied({ ...ledgerBase, reason: 'review' }), now);
    await openReview(ctx, tx, actor, order, attempt, fact, disposition.reason, pp.id);
    return 'review';
  }

  await updateProviderPayment(
    tx,
    pp.id,
    { status: 'captured', disposition: 'counted', verified_by: fact.verifiedBy, captured_at: now, amount: fact.amount, currency: fact.currency },
    now,
  );
  await updatePayment(
    tx,
    fact.merchantId,
    attempt.id,
    { status: 'captured', counted: true, provider_payment_id: fact.providerPaymentId, captured_at: now },
    now,
  );
  const paymentStatus = await derivedPaymentStatus(tx, order);
  const check = checkPaymentStatusChange(order.payment_status, paymentStatus);
  if (!check.ok) throw new Error(`order ${order.id}: ${check.error.message}`);
  // A verified payment moves a pending order to processing (WhatsApp's order_status).
  const nextStatus: OrderStatus =
    order.status === 'pending' && canTransitionOrder('pending', 'processing', { paymentStatus }).ok ? 'processing' : (order.status as OrderStatus);
  const posted = await postAndProject(tx, fact.merchantId, captureApplied({ ...ledgerBase, orderTotal: order.total, orderTax: order.tax }), now);
  const amountPaid = posted.order?.amount_paid ?? order.amount_paid;
  await updateOrder(tx, order.merchant_id, order.id, { payment_status: paymentStatus, status: nextStatus, current_payment_id: attempt.id }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'payment.captured',
    data: base,
    previous: { status: attempt.status },
  });
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'order.paid',
    data: { ...base, amount_paid: amountPaid, payment_status: paymentStatus, status: nextStatus },
    previous: { payment_status: order.payment_status, status: order.status },
  });
  const updated = (await getOrder(tx, order.merchant_id, order.id))!;
  await notify(ctx, tx, updated, 'paid', { status: nextStatus });
  await closeOtherAttempts(ctx, tx, actor, updated, attempt.id);
  return 'counted';
}

async function openReview(ctx: AppContext, tx: Tx, actor: Actor, order: OrderRow, attempt: PaymentRow, fact: PaymentFact, reason: ReviewReason, ppId: string) {
  const now = ctx.clock.now();
  await updateProviderPayment(
    tx,
    ppId,
    { status: 'captured', disposition: 'review', review_reason: reason, verified_by: fact.verifiedBy, captured_at: now },
    now,
  );
  await updatePayment(tx, fact.merchantId, attempt.id, { status: 'captured', provider_payment_id: fact.providerPaymentId, captured_at: now }, now);
  const review = {
    state: 'open',
    reason,
    provider: fact.provider,
    provider_payment_id: fact.providerPaymentId,
    payment_id: attempt.id,
    amount: fact.amount,
    currency: fact.currency,
    opened_at: now.toISOString(),
  };
  await updateOrder(tx, order.merchant_id, order.id, { review, payment_status: 'manual_review' }, now);
  const check = checkPaymentStatusChange(order.payment_status, 'manual_review');
  if (!check.ok) throw new Error(`order ${order.id}: ${check.error.message}`);
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'payment.manual_review',
    data: {
      reason,
      payment_id: attempt.id,
      provider: fact.provider,
      provider_payment_id: fact.providerPaymentId,
      amount: fact.amount,
      currency: fact.currency,
    },
    previous: { payment_status: order.payment_status },
  });
  if ((await getMerchantPolicies(tx, order.merchant_id)).review === 'refund') {
    const fresh = (await getOrder(tx, order.merchant_id, order.id))!;
    await createSystemRefund(
      ctx,
      tx,
      { source: 'job', id: 'review-policy' },
      {
        order: fresh,
        attempt,
        providerPaymentId: fact.providerPaymentId,
        amount: fact.amount,
        currency: fact.currency,
        kind: 'review',
        reason: `automatic refund: ${reason}`,
      },
    );
  }
}

/** Other bills of a paid order can no longer be paid: close them here and at the provider. */
async function closeOtherAttempts(ctx: AppContext, tx: Tx, actor: Actor, order: OrderRow, keepId: string) {
  const now = ctx.clock.now();
  for (const a of await listPaymentsForOrder(tx, order.merchant_id, order.id)) {
    if (a.id === keepId || !['created', 'failed'].includes(a.status)) continue;
    await updatePayment(tx, order.merchant_id, a.id, { status: 'canceled' }, now);
    await recordEvent(ctx, tx, actor, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'payment.canceled',
      data: { payment_id: a.id, reason: 'order paid by another bill' },
      previous: { status: a.status },
    });
    if (a.provider_object_id) {
      await enqueueJob(tx, {
        kind: 'payment.close_at_provider',
        merchantId: order.merchant_id,
        payload: { payment_id: a.id },
        runAt: now,
        dedupeKey: `payment.close_at_provider:${a.id}`,
      });
    }
  }
}

/** The customer started paying (or money is authorized, not captured): never paid. */
export async function applyInFlight(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  f: Omit<PaymentFact, 'amount' | 'currency' | 'verifiedBy'> & {
    amount?: number | undefined;
    currency?: string | undefined;
    status: 'pending' | 'authorized' | 'failed';
    reason?: string | undefined;
  },
): Promise<ApplyOutcome> {
  const located = await locateAttempt(tx, f.merchantId, f.provider, f);
  if (!located) return 'unmatched';
  const order = (await getOrder(tx, f.merchantId, located.order_id, { forUpdate: true }))!;
  // Read again under the order's lock (see applyCapture): never write back a status seen before it.
  const attempt = (await getPayment(tx, f.merchantId, located.id))!;
  const now = ctx.clock.now();
  const { row: pp, created } = await upsertProviderPayment(tx, {
    id: newId('ppy'),
    merchantId: f.merchantId,
    provider: f.provider,
    providerPaymentId: f.providerPaymentId,
    paymentId: attempt.id,
    orderId: order.id,
    status: f.status,
    amount: f.amount ?? attempt.amount,
    currency: f.currency ?? attempt.currency,
    referenceId: f.referenceId ?? null,
    now,
  });
  // Out of order: a pending or failed report about a payment we already saw captured.
  if (!created) {
    if (pp.status === 'captured' || pp.status === 'refunded' || pp.status === f.status) return 'stale';
    if (pp.status === 'failed' && f.status !== 'failed') return 'stale';
    await updateProviderPayment(tx, pp.id, { status: f.status }, now);
  }
  const target: AttemptStatus = f.status === 'failed' ? 'failed' : 'pending';
  // A failure of one payment does not fail the attempt while another is still in flight.
  if (target === 'failed') {
    const inFlight = (await listProviderPaymentsForOrder(tx, f.merchantId, order.id)).some(
      (p) => p.payment_id === attempt.id && p.id !== pp.id && (p.status === 'pending' || p.status === 'authorized'),
    );
    if (inFlight) return 'recorded';
  }
  const t = transitionAttempt(attempt.status as AttemptStatus, target);
  if (!t.ok || t.value === 'unchanged') return 'stale';
  await updatePayment(tx, f.merchantId, attempt.id, { status: target }, now);
  const afterAttempt = await derivedPaymentStatus(tx, order);
  const check = checkPaymentStatusChange(order.payment_status, afterAttempt);
  if (check.ok && check.value === 'changed') await updateOrder(tx, order.merchant_id, order.id, { payment_status: afterAttempt }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: target === 'failed' ? 'payment.failed' : 'payment.pending',
    data: {
      payment_id: attempt.id,
      reference_id: attempt.reference_id,
      provider: f.provider,
      provider_payment_id: f.providerPaymentId,
      provider_status: f.status,
      ...(f.reason ? { reason: f.reason } : {}),
    },
    previous: { status: attempt.status, payment_status: order.payment_status },
  });
  if (target === 'failed') await notify(ctx, tx, (await getOrder(tx, order.merchant_id, order.id))!, 'payment_failed');
  return 'recorded';
}
