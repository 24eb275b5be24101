import { z } from 'zod';
import { listEvents } from '../events.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { presentEvent } from '../events.present.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { eventListSchema } from '../events.present.ts';

const query = listQuery.extend({ type: z.string().max(100).optional(), order_id: z.string().max(64).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/events', { schema: { response: { 200: eventListSchema }, summary: 'The event log, newest first', querystring: query } }, async (req, reply) => {
    const q = req.query;
    const rows = await listEvents(ctx.db, req.merchantId, { type: q.type, orderId: q.order_id }, { limit: q.limit, startingAfter: q.starting_after });
    return reply.send(page(rows, q.limit, presentEvent));
  });
}
