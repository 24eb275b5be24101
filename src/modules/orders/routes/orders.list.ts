import { z } from 'zod';
import { ORDER_STATUSES } from '../../../domain/order/order.machine.ts';
import { PAYMENT_STATUSES } from '../../../domain/payment/payment.machine.ts';
import { listOrders } from '../orders.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { listQuery, waId } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRows } from '../orders.present.ts';

const query = listQuery.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  payment_status: z.enum(PAYMENT_STATUSES).optional(),
  wa_id: waId.optional(),
  created_gte: z.iso.datetime({ offset: true }).optional(),
  created_lt: z.iso.datetime({ offset: true }).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/orders', { schema: { tags: ['orders'], summary: 'List orders, newest first', querystring: query } }, async (req, reply) => {
    const q = req.query;
    const rows = await listOrders(
      ctx.db,
      req.merchantId,
      {
        status: q.status,
        payment_status: q.payment_status,
        wa_id: q.wa_id,
        created_gte: q.created_gte ? new Date(q.created_gte) : undefined,
        created_lt: q.created_lt ? new Date(q.created_lt) : undefined,
      },
      { limit: q.limit, startingAfter: q.starting_after },
    );
    const data = await presentOrderRows(ctx, ctx.db, req.merchantId, rows.slice(0, q.limit));
    return reply.send({ object: 'list', data, has_more: rows.length > q.limit });
  });
}
