// Rows to API objects. Times are ISO 8601 UTC; amounts are integers in minor units.
import type { EventRow } from '../../modules/events/events.repository.ts';
import type { ApiKeyRow } from '../../modules/merchants/merchants.repository.ts';
import type { OrderRow } from '../../modules/orders/orders.repository.ts';
import type { PaymentRow } from '../../modules/payments/payments.repository.ts';
import type { ProductRow } from '../../modules/catalog/products.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentProduct(p: ProductRow) {
  return {
    id: p.id,
    object: 'product',
    retailer_id: p.retailer_id,
    name: p.name,
    description: p.description,
    price: p.price,
    currency: p.currency,
    image_url: p.image_url,
    category: p.category,
    active: p.active,
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
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
    customer: { wa_id: o.customer_wa_id, name: o.customer_name },
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
  };
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    object: 'event',
    type: e.type,
    order_id: e.order_id,
    seq: e.seq,
    source: e.source,
    actor: e.actor,
    data: e.data,
    previous: e.previous,
    created_at: iso(e.created_at),
  };
}

export function presentApiKey(k: ApiKeyRow, secret?: string) {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    prefix: k.prefix,
    created_at: iso(k.created_at),
    expires_at: iso(k.expires_at),
    revoked_at: iso(k.revoked_at),
    last_used_at: iso(k.last_used_at),
    ...(secret ? { key: secret } : {}),
  };
}

/** `{data, has_more}` from a query that fetched limit + 1 rows. */
export function page<R, O>(rows: R[], limit: number, present: (r: R) => O) {
  return { object: 'list', data: rows.slice(0, limit).map(present), has_more: rows.length > limit };
}
