// What a business event is about, for the body of an outgoing webhook: the order as it
// is now and the payment attempt the event names (else the order's current bill). Read
// once (at fan-out, or at the first attempt of a replayed event) and then frozen in the
// delivery; see src/domain/business-events.ts for why a snapshot.
import { paymentIdFor } from '../../domain/business-events.ts';
import type { EventSubjectReader } from '../../platform/context.ts';
import { getOrder } from './orders.repository.ts';
import { getPayment } from './payment-attempts.repository.ts';

export const readEventSubjects: EventSubjectReader = async (q, merchantId, ev) => {
  const order = ev.order_id ? await getOrder(q, merchantId, ev.order_id) : undefined;
  const paymentId = paymentIdFor(ev, order?.current_payment_id ?? null);
  const payment = paymentId ? await getPayment(q, merchantId, paymentId) : undefined;
  const current = order?.current_payment_id && order.current_payment_id !== payment?.id ? await getPayment(q, merchantId, order.current_payment_id) : payment;
  return { order: order ?? null, payment: payment ?? null, currentReferenceId: current?.reference_id ?? null };
};
