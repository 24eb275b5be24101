// Payments the merchant's staff took themselves — cash on delivery, a bank transfer to the
// merchant, anything else — recorded through POST /v1/orders/{id}/record-payment. A recorded
// payment is a payment attempt of method `recorded` (pseudo-provider `recorded`), captured
// and counted at once, so the order's payment_status, refunds and presenters treat it like
// any capture; its money is booked on cash_on_hand, never a provider's clearing account, and
// no provider_payments row exists for it, so reconciliation never expects it in a settlement
// report. The owner may void one (a mistake): the attempt goes `voided`, the ledger entry is
// reversed and the order is unpaid again.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { paymentRecorded, recordedPaymentVoided } from '../../domain/ledger/postings.ts';
import { canTransitionOrder, type OrderStatus } from '../../domain/order/order.machine.ts';
import { transitionAttempt, type AttemptStatus } from '../../domain/payment/payment.machine.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { getOrder, getPayment, insertPayment, listPaymentsForOrder, RECORDED_PROVIDER, updateOrder, updatePayment, type OrderRow } from '../orders/index.ts';
import type { PaymentRow } from '../orders/index.ts';
import { recordEvent } from '../events/index.ts';
import { postAndProject } from '../ledger/index.ts';
import { listRefundsForOrder } from './refunds.repository.ts';
import { checkPaymentStatusChange, derivedPaymentStatus } from './payments.status.ts';

export const RECORDED_METHODS = ['cash', 'bank_transfer', 'other'] as const;
export type RecordedMethod = (typeof RECORDED_METHODS)[number];

export interface RecordPaymentInput {
  method: RecordedMethod;
  /** Minor units of the order's currency: exactly what is outstanding. */
  amount: number;
  /** When given, it must be the order's currency. */
  currency?: string | undefined;
  note?: string | undefined;
}

/** What a recorded attempt keeps in its flags: how the money came, the staff's note, who recorded it, and a void. */
export interface RecordedFlags {
  method: RecordedMethod;
  note: string | null;
  recorded_by: string | null;
  /** The reference of the bill it settled (what the customer knows), when there was one. */
  bill_reference: string | null;
  voided_at?: string;
  void_reason?: string;
  voided_by?: string | null;
}

/** usr_… or key_… over HTTP, the operator from the CLI. */
const by = (actor: Actor) => actor.id ?? actor.source;

async function notify(ctx: AppContext, tx: Tx, order: OrderRow, update: string, extra: Record<string, unknown> = {}) {
  await enqueueJob(tx, {
    kind: 'customer.order_update',
    merchantId: order.merchant_id,
    payload: { order_id: order.id, update, seq: order.event_seq, ...extra },
    runAt: ctx.clock.now(),
    dedupeKey: `customer.order_update:${order.id}:${order.event_seq}`,
  });
}

/** Closes every bill the customer could still pay (here, at its provider), and records why. */
async function closeOpenBills(ctx: AppContext, tx: Tx, actor: Actor, order: OrderRow, reason: string): Promise<string[]> {
  const now = ctx.clock.now();
  const closed: string[] = [];
  for (const a of await listPaymentsForOrder(tx, order.merchant_id, order.id)) {
    if (!['created', 'failed'].includes(a.status)) continue;
    await updatePayment(tx, order.merchant_id, a.id, { status: 'canceled' }, now);
    closed.push(a.id);
    await recordEvent(ctx, tx, actor, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'payment.canceled',
      data: { payment_id: a.id, reference_id: a.reference_id, reason },
      previous: { status: a.status },
    });
    // The provider's checkout object is expired there too (a capture that still lands takes the extra-capture policy).
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
  return closed;
}

export async function recordPayment(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  input: RecordPaymentInput,
): Promise<Result<{ order: OrderRow; payment: PaymentRow }>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  const ps = order.payment_status;
  if (['paid', 'partially_refunded', 'refunded', 'manual_review'].includes(ps)) {
    return err(domainError('conflict', `This order is already paid (payment_status ${ps}): nothing is outstanding`, { payment_status: ps, outstanding: 0 }));
  }
  if (ps === 'pending') {
    return err(
      domainError('conflict', 'A payment of this order is in flight at its provider: wait for its outcome before recording one', { payment_status: ps }),
    );
  }
  if (order.status === 'canceled') {
    return err(
      domainError('invalid_transition', `This order is ${ps === 'expired' ? 'expired' : 'canceled'}: a payment cannot be recorded on it`, {
        status: order.status,
        payment_status: ps,
      }),
    );
  }
  if (input.currency !== undefined && input.currency !== order.currency) {
    return err(
      domainError('unprocessable', `currency: this order is in ${order.currency}, not ${input.currency}`, { path: 'currency', currency: order.currency }),
    );
  }
  const outstanding = order.total - order.amount_paid;
  if (input.amount !== outstanding) {
    return err(
      domainError('unprocessable', `amount ${input.amount} is not what is outstanding on this order (${outstanding} in minor units of ${order.currency})`, {
        path: 'amount',
        outstanding,
        currency: order.currency,
      }),
    );
  }
  const now = ctx.clock.now();
  const bill = order.current_payment_id ? await getPayment(tx, merchantId, order.current_payment_id) : undefined;
  const closed = await closeOpenBills(ctx, tx, actor, order, 'paid by a payment recorded by staff');
  const flags: RecordedFlags = { method: input.method, note: input.note ?? null, recorded_by: by(actor), bill_reference: bill?.reference_id ?? null };
  const inserted = await insertPayment(tx, {
    id: newId('pay'),
    merchant_id: merchantId,
    order_id: orderId,
    method: 'recorded',
    provider: RECORDED_PROVIDER,
    status: 'created',
    amount: input.amount,
    currency: order.currency,
    pay_token: null,
    expires_at: now,
    now,
  });
  // Its own id stands for the provider's payment id: refunds and the ledger key on it.
  const payment = await updatePayment(
    tx,
    merchantId,
    inserted.id,
    { status: 'captured', counted: true, provider_payment_id: inserted.id, captured_at: now, flags: { recorded: flags } },
    now,
  );
  const posted = await postAndProject(
    tx,
    merchantId,
    paymentRecorded({
      paymentId: payment.id,
      method: input.method,
      amount: input.amount,
      currency: order.currency,
      orderId,
      orderTotal: order.total,
      orderTax: order.tax,
      eventAt: now,
    }),
    now,
  );
  const paymentStatus = await derivedPaymentStatus(tx, order);
  const check = checkPaymentStatusChange(order.payment_status, paymentStatus);
  if (!check.ok) throw new Error(`order ${order.id}: ${check.error.message}`);
  // Like a verified capture, it moves a pending order on (a confirmed COD order is processing already).
  const nextStatus: OrderStatus =
    order.status === 'pending' && canTransitionOrder('pending', 'processing', { paymentStatus }).ok ? 'processing' : (order.status as OrderStatus);
  await updateOrder(tx, merchantId, orderId, { payment_status: paymentStatus, status: nextStatus, current_payment_id: payment.id }, now);
  const data = {
    payment_id: payment.id,
    reference_id: payment.reference_id,
    method: input.method,
    amount: input.amount,
    currency: order.currency,
    note: input.note ?? null,
  };
  await recordEvent(ctx, tx, actor, { merchantId, orderId, type: 'payment.recorded', data: { ...data, closed_payments: closed } });
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.paid',
    data: { ...data, recorded: true, amount_paid: posted.order?.amount_paid ?? order.amount_paid, payment_status: paymentStatus, status: nextStatus },
    previous: { payment_status: order.payment_status, status: order.status },
  });
  const updated = (await getOrder(tx, merchantId, orderId))!;
  await notify(ctx, tx, updated, 'paid', { status: nextStatus, recorded: input.method });
  return ok({ order: updated, payment });
}

/** The owner voids a recorded payment (a mistake): it stops counting, its ledger entry is reversed, and the order is unpaid again. */
export async function voidRecordedPayment(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  paymentId: string,
  reason: string,
): Promise<Result<{ order: OrderRow; payment: PaymentRow }>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  const attempt = await getPayment(tx, merchantId, paymentId);
  if (!attempt || attempt.order_id !== orderId) return err(domainError('not_found', `No payment ${paymentId} on order ${orderId}`));
  if (attempt.method !== 'recorded') {
    return err(
      domainError('conflict', 'Only a payment recorded by staff can be voided: money a provider captured is given back with a refund', {
        method: attempt.method,
      }),
    );
  }
  if (attempt.status === 'voided') return ok({ order, payment: attempt });
  const refunds = (await listRefundsForOrder(tx, merchantId, orderId)).filter((r) => r.payment_id === attempt.id && r.status !== 'failed');
  if (refunds.length > 0) {
    return err(domainError('conflict', 'This recorded payment has refunds: a refunded payment cannot be voided', { refunds: refunds.map((r) => r.id) }));
  }
  const t = transitionAttempt(attempt.status as AttemptStatus, 'voided');
  if (!t.ok) return t;
  const now = ctx.clock.now();
  const recorded = (attempt.flags['recorded'] ?? {}) as RecordedFlags;
  const payment = await updatePayment(
    tx,
    merchantId,
    attempt.id,
    {
      status: 'voided',
      counted: false,
      flags: { ...attempt.flags, recorded: { ...recorded, voided_at: now.toISOString(), void_reason: reason, voided_by: by(actor) } },
    },
    now,
  );
  const posted = await postAndProject(
    tx,
    merchantId,
    recordedPaymentVoided({
      paymentId: attempt.id,
      method: recorded.method ?? 'other',
      reason,
      amount: attempt.amount,
      currency: attempt.currency,
      orderId,
      orderTotal: order.total,
      orderTax: order.tax,
      eventAt: now,
    }),
    now,
  );
  const paymentStatus = await derivedPaymentStatus(tx, order);
  const check = checkPaymentStatusChange(order.payment_status, paymentStatus);
  if (!check.ok) return check;
  await updateOrder(tx, merchantId, orderId, { payment_status: paymentStatus }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'payment.voided',
    data: {
      payment_id: attempt.id,
      reference_id: attempt.reference_id,
      method: recorded.method ?? null,
      amount: attempt.amount,
      currency: attempt.currency,
      reason,
      amount_paid: posted.order?.amount_paid ?? order.amount_paid,
      payment_status: paymentStatus,
    },
    previous: { status: attempt.status, payment_status: order.payment_status },
  });
  return ok({ order: (await getOrder(tx, merchantId, orderId))!, payment });
}
