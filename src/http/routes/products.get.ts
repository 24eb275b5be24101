import { domainError } from '../../domain/errors.ts';
import { getProduct } from '../../store/products.repository.ts';
import type { App } from '../app.ts';
import { sendError } from '../errors.ts';
import { presentProduct } from '../presenters.ts';
import { idParam } from '../schemas.ts';
import type { RouteDeps } from './deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/products/:id', { schema: { tags: ['products'], summary: 'Get a product', params: idParam('prd') } }, async (req, reply) => {
    const p = await getProduct(ctx.db, req.merchantId, req.params.id);
    return p ? reply.send(presentProduct(p)) : sendError(req, reply, domainError('not_found', `No product ${req.params.id}`));
  });
}
