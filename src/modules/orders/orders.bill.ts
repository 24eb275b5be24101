// Resending the bill: a new payment attempt with a new reference and a new expiry.
// Open attempts are closed (here and at their provider); a payment in flight blocks
// a new bill, since the customer may be paying the current one right now.
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getOrder, updateOrder, type OrderRow } from './orders.repository.ts';
import { insertPayment, listPaymentsForOrder, updatePayment } from './payment-attempts.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { DEFAULT_EXPIRES_IN, routeOf } from './orders.create.ts';
import type { PaymentMethod } from './orders.payment-methods.ts';
import { getMerchant, type MerchantSettings } from '../merchants/index.ts';

export async function rebill(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  input: {
    expires_in?: number | undefined;
    send?: boolean | undefined;
    /** Another method for the new bill: a cash-on-delivery order offered a prepaid link, say. */
    payment?: { method: PaymentMethod; provider?: string | undefined } | undefined;
  },
): Promise<Result<OrderRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  const attempts = await listPaymentsForOrder(tx, merchantId, orderId);
  // A confirmed cash-on-delivery order (processing, unpaid) may still be offered a prepaid bill.
  const codConfirmed = order.status === 'processing' && attempts.some((a) => a.method === 'cash_on_delivery');
  if (!(order.status === 'pending' || codConfirmed) || !['unpaid', 'failed'].includes(order.payment_status)) {
    return err(
      domainError('invalid_transition', `An order with status ${order.status} and payment_status ${order.payment_status} cannot be billed again`, {
        status: order.status,
        payment_status: order.payment_status,
      }),
    );
  }
  const current = attempts.find((a) => a.id === order.current_payment_id) ?? attempts.at(-1)!;
  let method = current.method;
  let provider = current.provider;
  if (input.payment) {
    const merchant = await getMerchant(tx, merchantId);
    const route = routeOf(ctx, input.payment.method, { payment: input.payment, currency: order.currency }, (merchant?.settings ?? {}) as MerchantSettings);
    if (!route.ok) return route;
    method = input.payment.method;
    provider = route.value;
  }
  const now = ctx.clock.now();
  for (const a of attempts) {
    if (!['created', 'failed'].includes(a.status)) continue;
    await updatePayment(tx, merchantId, a.id, { status: 'canceled' }, now);
    await recordEvent(ctx, tx, actor, {
      merchantId,
      orderId,
      type: 'payment.canceled',
      data: { payment_id: a.id, reference_id: a.reference_id, reason: 'superseded by a new bill' },
      previous: { status: a.status },
    });
    if (a.provider_object_id) {
      await enqueueJob(tx, {
        kind: 'payment.close_at_provider',
        merchantId,
        payload: { payment_id: a.id },
        runAt: now,
        dedupeKey: `payment.close_at_provider:${a.id}`,
      });
    }
  }
  const expiresAt = new Date(now.getTime() + (input.expires_in ?? DEFAULT_EXPIRES_IN) * 1000);
  const payment = await insertPayment(tx, {
    id: newId('pay'),
    merchant_id: merchantId,
    order_id: orderId,
    method,
    provider,
    status: 'created',
    amount: order.total,
    currency: order.currency,
    pay_token: method === 'payment_link' ? newSecretToken(24) : null,
    expires_at: expiresAt,
    now,
  });
  await updateOrder(tx, merchantId, orderId, { current_payment_id: payment.id, expires_at: expiresAt, payment_status: 'unpaid' }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.bill_created',
    data: { payment_id: payment.id, reference_id: payment.reference_id, method, provider, expires_at: expiresAt.toISOString() },
    previous: { payment_id: current.id, reference_id: current.reference_id, expires_at: order.expires_at.toISOString(), payment_status: order.payment_status },
  });
  await enqueueJob(tx, {
    kind: 'order.expire',
    merchantId,
    payload: { order_id: orderId },
    runAt: expiresAt,
    dedupeKey: `order.expire:${orderId}:${expiresAt.getTime()}`,
  });
  if (input.send ?? true) {
    await enqueueJob(tx, {
      kind: 'bill.send',
      merchantId,
      payload: { order_id: orderId, payment_id: payment.id },
      runAt: now,
      dedupeKey: `bill.send:${payment.id}`,
    });
  }
  return ok((await getOrder(tx, merchantId, orderId))!);
}
