import { updateProduct } from '../catalog.products.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { presentProduct, productSchema } from '../catalog.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { productBody } from './products.create.ts';

const patchBody = productBody
  .omit({ retailer_id: true })
  .partial()
  .extend({ description: productBody.shape.description.nullable(), image_url: productBody.shape.image_url.nullable() });

export function register(app: App, { ctx }: RouteDeps) {
  app.patch(
    '/v1/products/:id',
    { schema: { summary: 'Update a product', params: idParam('prd'), body: patchBody, response: { 200: productSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => updateProduct(ctx, tx, req.merchantId, req.params.id, req.body),
        present: presentProduct,
      }),
  );
}
