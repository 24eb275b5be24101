// Orders and their payment attempts as the API shows them, with the zod schemas their
// routes answer with (and /openapi.json shows); an order is read with its current attempt
// for every route that answers with an order.
import { z } from 'zod';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order/order.machine.ts';
import { ATTEMPT_STATUSES, PAYMENT_STATUSES, type AttemptStatus, type PaymentStatus } from '../../domain/payment/payment.machine.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { OrderRow } from './orders.repository.ts';
import type { PaymentRow } from './payment-attempts.repository.ts';
import { getPayment, getPaymentsByIds } from './payment-attempts.repository.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import { ATTEMPT_METHODS, type AttemptMethod } from './orders.payment-methods.ts';

const minor = (what: string) => z.number().int().describe(`${what}, in minor units of the currency`);

const recordedSchema = z.object({
  method: z.enum(['cash', 'bank_transfer', 'other']),
  note: z.string().nullable(),
  recorded_by: z.string().nullable().describe('usr_… or key_…'),
  voided_at: isoTime.nullable(),
  void_reason: z.string().nullable(),
});

export const paymentSchema = z
  .object({
    id: z.string().describe('pay_…'),
    object: z.literal('payment'),
    order_id: z.string(),
    reference_id: z.string().describe("This bill's reference (1–35 of A-Z a-z 0-9 _ - .), unique per merchant"),
    method: z.enum(ATTEMPT_METHODS).describe("The bill's method, or `recorded`: money the merchant's staff took (POST /v1/orders/{id}/record-payment)"),
    provider: z.string().describe('The provider; `none` for cash on delivery, `recorded` for a payment recorded by staff'),
    status: z.enum(ATTEMPT_STATUSES),
    amount: minor('The amount billed'),
    currency: z.string(),
    url: z.string().nullable().describe('Our /pay/{token} page (payment_link); null for bills paid inside WhatsApp'),
    provider_object_id: z.string().nullable().describe("The provider's checkout object (a Razorpay payment link, a Stripe session)"),
    provider_payment_id: z.string().nullable(),
    counted: z.boolean().describe("Whether its capture counts towards the order's amount_paid (an extra capture does not)"),
    recorded: recordedSchema.nullable().describe('A payment recorded by staff (method `recorded`): how it came, the note, who recorded it, and a void'),
    expires_at: isoTime,
    captured_at: isoTime.nullable(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Payment', description: 'A payment attempt: one bill of an order' });

export const paymentListSchema = listOf(paymentSchema);

const orderItemSchema = z.object({
  retailer_id: z.string().nullable(),
  product_id: z.string().nullable(),
  name: z.string(),
  amount: minor('Unit price'),
  sale_amount: minor('Unit sale price').nullable(),
  quantity: z.number().int(),
  line_total: minor('(sale_amount ?? amount) × quantity'),
});

const addressSchema = z.object({
  name: z.string(),
  phone_number: z.string().optional(),
  address_line1: z.string(),
  address_line2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postal_code: z.string(),
  country_code: z.string(),
});

export const orderSchema = z
  .object({
    id: z.string().describe('ord_…'),
    object: z.literal('order'),
    status: z.enum(ORDER_STATUSES),
    payment_status: z.enum(PAYMENT_STATUSES),
    currency: z.string().describe('ISO 4217'),
    items: z.array(orderItemSchema),
    subtotal: minor('Sum of the line totals'),
    tax: minor('Tax'),
    tax_description: z.string().nullable(),
    shipping: minor('Shipping'),
    shipping_description: z.string().nullable(),
    discount: minor('Discount'),
    discount_description: z.string().nullable(),
    total: minor('subtotal + tax + shipping − discount'),
    amount_paid: minor('Captured and counted'),
    amount_refunded: minor('Refunded'),
    customer: z
      .object({ id: z.string().nullable(), bsuid: z.string().nullable(), wa_id: z.string().nullable(), name: z.string().nullable() })
      .describe('The customer (cus_…), their business-scoped user id and phone as the order was made (either may be null), and name'),
    goods_type: z.enum(['digital-goods', 'physical-goods']),
    shipping_address: addressSchema.nullable(),
    reference_id: z.string().nullable().describe("The current bill's reference"),
    payment: z
      .object({
        id: z.string(),
        reference_id: z.string(),
        method: z.enum(ATTEMPT_METHODS),
        provider: z.string(),
        status: z.enum(ATTEMPT_STATUSES),
        url: z.string().nullable(),
        recorded: recordedSchema.nullable(),
      })
      .nullable()
      .describe('The current payment attempt'),
    cancel_reason: z.string().nullable(),
    review: z.record(z.string(), z.unknown()).nullable().describe('A payment held for review (manual_review) and how it was resolved'),
    expires_at: isoTime,
    created_at: isoTime,
    updated_at: isoTime,
    metadata: z.record(z.string(), z.string()),
    reordered_from: z.string().nullable().describe('The expired or canceled order this one reorders (POST /v1/orders/{id}/reorder)'),
    source: z.string().nullable().describe('Where the order was made: `checkout_link` for a payer on a checkout link; null otherwise'),
    checkout_link_id: z.string().nullable().describe('The checkout link (chl_…) whose payer made this order'),
  })
  .meta({ id: 'Order', description: 'An order with its current payment attempt' });

export const orderListSchema = listOf(orderSchema);

export async function presentOrderRow(ctx: AppContext, q: Queryable, order: OrderRow) {
  const current = order.current_payment_id ? await getPayment(q, order.merchant_id, order.current_payment_id) : undefined;
  return presentOrder(order, current, ctx.publicUrl);
}

export async function presentOrderRows(ctx: AppContext, q: Queryable, merchantId: string, orders: OrderRow[]) {
  const ids = orders.map((o) => o.current_payment_id).filter((x): x is string => !!x);
  const payments = new Map((await getPaymentsByIds(q, merchantId, ids)).map((p) => [p.id, p]));
  return orders.map((o) => presentOrder(o, o.current_payment_id ? payments.get(o.current_payment_id) : undefined, ctx.publicUrl));
}

function recordedOf(p: PaymentRow): z.infer<typeof recordedSchema> | null {
  const r = p.flags['recorded'] as Record<string, string | null | undefined> | undefined;
  if (p.method !== 'recorded' || !r) return null;
  return {
    method: (r['method'] ?? 'other') as z.infer<typeof recordedSchema>['method'],
    note: r['note'] ?? null,
    recorded_by: r['recorded_by'] ?? null,
    voided_at: r['voided_at'] ?? null,
    void_reason: r['void_reason'] ?? null,
  };
}

export function presentPayment(p: PaymentRow, publicUrl: string): z.infer<typeof paymentSchema> {
  return {
    id: p.id,
    object: 'payment',
    order_id: p.order_id,
    reference_id: p.reference_id,
    method: p.method as AttemptMethod,
    provider: p.provider,
    status: p.status as AttemptStatus,
    amount: p.amount,
    currency: p.currency,
    url: p.pay_token ? `${publicUrl}/pay/${p.pay_token}` : null,
    provider_object_id: p.provider_object_id,
    provider_payment_id: p.provider_payment_id,
    counted: p.counted,
    recorded: recordedOf(p),
    expires_at: iso(p.expires_at)!,
    captured_at: iso(p.captured_at),
    created_at: iso(p.created_at)!,
    updated_at: iso(p.updated_at)!,
  };
}

export function presentOrder(o: OrderRow, current: PaymentRow | undefined, publicUrl: string): z.infer<typeof orderSchema> {
  const payment = current ? presentPayment(current, publicUrl) : null;
  return {
    id: o.id,
    object: 'order',
    status: o.status as OrderStatus,
    payment_status: o.payment_status as PaymentStatus,
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
    goods_type: o.goods_type as z.infer<typeof orderSchema>['goods_type'],
    shipping_address: o.shipping_address as z.infer<typeof addressSchema> | null,
    reference_id: current?.reference_id ?? null,
    payment: payment && {
      id: payment.id,
      reference_id: payment.reference_id,
      method: payment.method,
      provider: payment.provider,
      status: payment.status,
      url: payment.url,
      recorded: payment.recorded,
    },
    cancel_reason: o.cancel_reason,
    review: o.review,
    expires_at: iso(o.expires_at)!,
    created_at: iso(o.created_at)!,
    updated_at: iso(o.updated_at)!,
    metadata: o.metadata,
    reordered_from: o.reordered_from ?? null,
    source: o.source ?? null,
    checkout_link_id: o.checkout_link_id ?? null,
  };
}
