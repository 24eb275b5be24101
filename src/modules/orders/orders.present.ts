// Orders and their payment attempts as the API shows them; an order is read with its
// current attempt for every route that answers with an order.
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { OrderRow } from './orders.repository.ts';
import type { PaymentRow } from './payment-attempts.repository.ts';
import { getPayment, getPaymentsByIds } from './payment-attempts.repository.ts';
import { iso } from '../../platform/http/page.ts';

export async function presentOrderRow(ctx: AppContext, q: Queryable, order: OrderRow) {
  const current = order.current_payment_id ? await getPayment(q, order.merchant_id, order.current_payment_id) : undefined;
  return presentOrder(order, current, ctx.publicUrl);
}

export async function presentOrderRows(ctx: AppContext, q: Queryable, merchantId: string, orders: OrderRow[]) {
  const ids = orders.map((o) => o.current_payment_id).filter((x): x is string => !!x);
  const payments = new Map((await getPaymentsByIds(q, merchantId, ids)).map((p) => [p.id, p]));
  return orders.map((o) => presentOrder(o, o.current_payment_id ? payments.get(o.current_payment_id) : undefined, ctx.publicUrl));
}

export function presentPayment(p: PaymentRow, publicUrl: string) {
  return {
    id: p.id,
    object: 'payment',
    order_id: p.order_id,
    reference_id: p.reference_id,
    method: p.method,
    provider: p.provider,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    url: p.pay_token ? `${publicUrl}/pay/${p.pay_token}` : null,
    provider_object_id: p.provider_object_id,
    provider_payment_id: p.provider_payment_id,
    counted: p.counted,
    expires_at: iso(p.expires_at),
    captured_at: iso(p.captured_at),
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}

export function presentOrder(o: OrderRow, current: PaymentRow | undefined, publicUrl: string) {
  const payment = current ? presentPayment(current, publicUrl) : null;
  return {
    id: o.id,
    object: 'order',
    status: o.status,
    payment_status: o.payment_status,
    currency: o.currency,
    items: o.items,
    subtotal: o.subtotal,
    tax: o.tax,
    tax_description: o.tax_description,
    shipping: o.shipping,
    shipping_description: o.shipping_description,
    discount: o.discount,
    discount_description: o.discount_description,
    total: o.total,
    amount_paid: o.amount_paid,
    amount_refunded: o.amount_refunded,
    customer: { id: o.customer_id, bsuid: o.customer_bsuid, wa_id: o.customer_wa_id, name: o.customer_name },
    goods_type: o.goods_type,
    shipping_address: o.shipping_address,
    reference_id: current?.reference_id ?? null,
    payment: payment && {
      id: payment.id,
      reference_id: payment.reference_id,
      method: payment.method,
      provider: payment.provider,
      status: payment.status,
      url: payment.url,
    },
    cancel_reason: o.cancel_reason,
    review: o.review,
    expires_at: iso(o.expires_at),
    created_at: iso(o.created_at),
    updated_at: iso(o.updated_at),
    metadata: o.metadata,
    reordered_from: o.reordered_from ?? null,
  };
}
