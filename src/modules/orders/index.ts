// The orders module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './orders.routes.ts';
export { addShippingAddress, awaitsAddress } from './orders.address.ts';
export { cancelOrder, expireOrder } from './orders.change.ts';
export { answerCashOnDelivery } from './orders.cod.ts';
export { createOrder } from './orders.create.ts';
export { readEventSubjects } from './orders.event-subjects.ts';
export { adapterNameFor, ATTEMPT_METHODS, COD_PROVIDER, PAYMENT_METHODS, PROVIDER_METHODS, PROVIDERS, RECORDED_PROVIDER } from './orders.payment-methods.ts';
export type { AttemptMethod, PaymentMethod } from './orders.payment-methods.ts';
export { orderListSchema, orderSchema, paymentListSchema, paymentSchema, presentOrderRow, presentPayment } from './orders.present.ts';
export { findOrderAwaitingAddress, getOrder, listExpiredOpenOrders, updateOrder } from './orders.repository.ts';
export type { OrderRow } from './orders.repository.ts';
export {
  findPaymentByProviderObject,
  findPaymentByReference,
  getPayment,
  getPaymentByToken,
  insertPayment,
  listPaymentsForOrder,
  lockAttemptWithoutObject,
  updatePayment,
} from './payment-attempts.repository.ts';
export type { PaymentRow } from './payment-attempts.repository.ts';
