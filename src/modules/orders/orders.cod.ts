// Cash on delivery: the customer answers the bill's Confirm / Cancel buttons (a reply button
// inside the window, a template's quick reply outside it; the WhatsApp module reads both and
// calls this). Only the order's own customer is heard; a tap on a bill already answered,
// paid or closed changes nothing, so Meta's redeliveries and double taps are no-ops.
// Confirm moves the order to `processing` with payment_status `unpaid` (the money comes on
// delivery, recorded by staff); cancel closes it like POST /v1/orders/{id}/cancel.
import { canTransitionOrder, type OrderStatus } from '../../domain/order/order.machine.ts';
import type { PaymentStatus } from '../../domain/payment/payment.machine.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { cancelOrder } from './orders.change.ts';
import { getOrder, updateOrder } from './orders.repository.ts';
import { findPaymentByReference } from './payment-attempts.repository.ts';

export interface CodAnswerInput {
  referenceId: string;
  answer: 'confirm' | 'cancel';
  /** Who tapped (the customer the message came from). */
  customerId: string;
}

/** Applies a customer's answer to a cash-on-delivery bill; returns what happened, for the inbox item's note. */
export async function answerCashOnDelivery(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, a: CodAnswerInput): Promise<string> {
  const bill = await findPaymentByReference(tx, merchantId, a.referenceId);
  if (!bill || bill.method !== 'cash_on_delivery') return `cod ${a.answer}: no cash-on-delivery bill ${a.referenceId}`;
  const order = await getOrder(tx, merchantId, bill.order_id, { forUpdate: true });
  if (!order) return `cod ${a.answer}: no order`;
  // A forwarded bill tapped by someone else does nothing.
  if (order.customer_id !== a.customerId) return `cod ${a.answer}: ignored, not the order's customer`;
  if (order.status !== 'pending') return `cod ${a.answer}: order already ${order.status} (${order.payment_status}), nothing changed`;
  if (!['unpaid', 'failed'].includes(order.payment_status)) return `cod ${a.answer}: order is ${order.payment_status}, nothing changed`;
  if (a.answer === 'cancel') {
    const r = await cancelOrder(ctx, tx, actor, merchantId, order.id, 'canceled by the customer (cash on delivery)');
    return r.ok ? 'cod cancel: order canceled' : `cod cancel: refused (${r.error.message})`;
  }
  const to: OrderStatus = 'processing';
  const check = canTransitionOrder(order.status as OrderStatus, to, { paymentStatus: order.payment_status as PaymentStatus });
  if (!check.ok) return `cod confirm: refused (${check.error.message})`;
  const now = ctx.clock.now();
  await updateOrder(tx, merchantId, order.id, { status: to }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId: order.id,
    type: 'order.cod_confirmed',
    data: { status: to, payment_status: order.payment_status, payment_id: bill.id, reference_id: bill.reference_id },
    previous: { status: order.status },
  });
  const updated = (await getOrder(tx, merchantId, order.id))!;
  await enqueueJob(tx, {
    kind: 'customer.order_update',
    merchantId,
    payload: { order_id: order.id, update: 'cod_confirmed', seq: updated.event_seq },
    runAt: now,
    dedupeKey: `customer.order_update:${order.id}:${updated.event_seq}`,
  });
  return 'cod confirm: order processing';
}
