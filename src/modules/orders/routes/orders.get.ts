import { domainError } from '../../../domain/errors.ts';
import { getOrder } from '../orders.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRow } from '../orders.present.ts';
import { orderSchema } from '../orders.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/orders/:id', { schema: { response: { 200: orderSchema }, summary: 'Get an order', params: idParam('ord') } }, async (req, reply) => {
    const o = await getOrder(ctx.db, req.merchantId, req.params.id);
    return o ? reply.send(await presentOrderRow(ctx, ctx.db, o)) : sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
  });
}
