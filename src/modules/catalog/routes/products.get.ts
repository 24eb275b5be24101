import { domainError } from '../../../domain/errors.ts';
import { getProduct } from '../catalog.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { presentProduct, productSchema } from '../catalog.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/products/:id', { schema: { summary: 'Get a product', params: idParam('prd'), response: { 200: productSchema } } }, async (req, reply) => {
    const p = await getProduct(ctx.db, req.merchantId, req.params.id);
    return p ? reply.send(presentProduct(p)) : sendError(req, reply, domainError('not_found', `No product ${req.params.id}`));
  });
}
