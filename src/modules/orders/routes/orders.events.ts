import { domainError } from '../../../domain/errors.ts';
import { listEvents } from '../../events/index.ts';
import { getOrder } from '../orders.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { page } from '../../../platform/http/page.ts';
import { presentEvent } from '../../events/index.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { eventListSchema } from '../../events/index.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/orders/:id/events',
    {
      schema: {
        response: { 200: eventListSchema },
        summary: "An order's timeline, oldest first (by seq)",
        params: idParam('ord'),
        querystring: listQuery.extend({ limit: listQuery.shape.limit.default(100) }),
      },
    },
    async (req, reply) => {
      const o = await getOrder(ctx.db, req.merchantId, req.params.id);
      if (!o) return sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
      const rows = await listEvents(
        ctx.db,
        req.merchantId,
        { orderId: o.id },
        { limit: req.query.limit, startingAfter: req.query.starting_after, ascending: true },
      );
      return reply.send(page(rows, req.query.limit, presentEvent));
    },
  );
}
