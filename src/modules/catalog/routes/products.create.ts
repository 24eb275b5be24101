import { z } from 'zod';
import { createProduct } from '../catalog.products.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { presentProduct, productSchema } from '../catalog.present.ts';
import { currencyCode, positiveAmount } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export const productBody = z.strictObject({
  retailer_id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  price: positiveAmount,
  currency: currencyCode,
  description: z.string().max(2000).optional(),
  image_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  category: z.string().trim().max(100).nullable().optional(),
  goods_type: z.enum(['digital-goods', 'physical-goods']).optional(),
  active: z.boolean().optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post('/v1/products', { schema: { summary: 'Create a product', body: productBody, response: { 201: productSchema } } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 201,
      run: (tx) => createProduct(ctx, tx, req.merchantId, req.body),
      present: presentProduct,
    }),
  );
}
