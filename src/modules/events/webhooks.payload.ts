// The body of a business event: the log row plus a snapshot of its order and payment,
// read once (at fan-out, or at the first attempt of a replayed event) and then frozen
// in the delivery. See src/domain/business-events.ts for why a snapshot.
import { paymentIdFor, toBusinessEvent } from '../../domain/business-events.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { EventRow } from './events.repository.ts';
import { getOrder } from '../orders/orders.repository.ts';
import { getPayment } from '../orders/payment-attempts.repository.ts';

export async function businessEventBody(q: Queryable, ev: EventRow): Promise<string | null> {
  const order = ev.order_id ? await getOrder(q, ev.merchant_id, ev.order_id) : undefined;
  const paymentId = paymentIdFor(ev, order?.current_payment_id ?? null);
  const payment = paymentId ? await getPayment(q, ev.merchant_id, paymentId) : undefined;
  const current =
    order?.current_payment_id && order.current_payment_id !== payment?.id ? await getPayment(q, ev.merchant_id, order.current_payment_id) : payment;
  const b = toBusinessEvent(ev, { order: order ?? null, payment: payment ?? null, currentReferenceId: current?.reference_id ?? null });
  return b ? JSON.stringify(b) : null;
}
