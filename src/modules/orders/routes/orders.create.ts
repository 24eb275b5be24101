import { z } from 'zod';
import { createOrder } from '../orders.create.ts';
import type { MerchantSettings } from '../../merchants/index.ts';
import { PAYMENT_METHODS } from '../orders.payment-methods.ts';
import { MAX_ITEMS, MAX_QUANTITY } from '../../../domain/order/order.totals.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { presentOrder } from '../orders.present.ts';
import { currencyCode, customerRef, metadata, minorAmount, positiveAmount } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { orderSchema } from '../orders.present.ts';

const adjustment = z.strictObject({ amount: minorAmount, description: z.string().max(60).optional() });

export const shippingAddressBody = z.strictObject({
  name: z.string().min(1).max(200),
  phone_number: z.string().max(30).optional(),
  address_line1: z.string().min(1).max(100),
  address_line2: z.string().max(100).optional(),
  city: z.string().min(1).max(100),
  state: z.string().max(100).optional(),
  postal_code: z.string().min(1).max(20),
  country_code: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166 alpha-2 code such as IN' }),
});

export const createOrderBody = z.strictObject({
  customer: customerRef,
  currency: currencyCode,
  items: z
    .array(
      z.strictObject({
        retailer_id: z.string().min(1).max(100).optional(),
        name: z.string().min(1).max(60).optional(),
        amount: positiveAmount.optional(),
        sale_amount: positiveAmount.optional(),
        quantity: z.number().int({ message: 'must be a whole number' }).min(1).max(MAX_QUANTITY),
      }),
    )
    .min(1)
    .max(MAX_ITEMS),
  tax: adjustment.optional(),
  shipping: adjustment.optional(),
  discount: adjustment.extend({ discount_program_name: z.string().max(60).optional() }).optional(),
  goods_type: z.enum(['digital-goods', 'physical-goods']).optional(),
  shipping_address: shippingAddressBody.optional(),
  payment: z
    .strictObject({ method: z.enum(PAYMENT_METHODS).optional(), provider: z.string().min(1).max(40).optional() })
    .optional()
    .describe("How the customer pays. Omitted, or without a method: the merchant's default payment (settings), else a payment link"),
  expires_in: z
    .number()
    .int()
    .min(600, { message: 'must be at least 600 seconds' })
    .max(30 * 86_400, { message: 'must be at most 30 days' })
    .optional(),
  send: z.boolean().optional(),
  metadata: metadata.optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post('/v1/orders', { schema: { response: { 201: orderSchema }, summary: 'Create an order and its first bill', body: createOrderBody } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 201,
      run: (tx) => createOrder(ctx, tx, apiActor(req), req.merchantId, req.body, { settings: req.merchantSettings as MerchantSettings }),
      present: ({ order, payment }) => presentOrder(order, payment, ctx.publicUrl),
    }),
  );
}
