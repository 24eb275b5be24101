// What happened to an endpoint's webhooks: every attempt (status, latency, a 1 KB
// excerpt of the answer, the error) and every delivery (the failed-message list).
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import { listAttempts, listDeliveries } from '../events.queries.ts';
import { getEndpoint } from '../events.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentAttempt, presentDelivery } from '../webhook-endpoints.present.ts';
import { attemptListSchema, deliveryListSchema } from '../webhook-endpoints.present.ts';

const attemptsQuery = listQuery.extend({ event_id: z.string().max(64).optional(), delivery_id: z.string().max(64).optional() });
const deliveriesQuery = listQuery.extend({ status: z.enum(['pending', 'delivered', 'failed', 'skipped']).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/webhook-endpoints/:id/attempts',
    {
      schema: {
        response: { 200: attemptListSchema },
        summary: "An endpoint's delivery attempts, newest first",
        params: idParam('whe'),
        querystring: attemptsQuery,
      },
    },
    async (req, reply) => {
      if (!(await getEndpoint(ctx.db, req.merchantId, req.params.id)))
        return sendError(req, reply, domainError('not_found', `No webhook endpoint ${req.params.id}`));
      const q = req.query;
      const rows = await listAttempts(
        ctx.db,
        req.merchantId,
        req.params.id,
        { eventId: q.event_id, deliveryId: q.delivery_id },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      return reply.send(page(rows, q.limit, presentAttempt));
    },
  );
  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      schema: {
        response: { 200: deliveryListSchema },
        summary: "An endpoint's deliveries (one per event), newest first; ?status=failed lists what to replay",
        params: idParam('whe'),
        querystring: deliveriesQuery,
      },
    },
    async (req, reply) => {
      if (!(await getEndpoint(ctx.db, req.merchantId, req.params.id)))
        return sendError(req, reply, domainError('not_found', `No webhook endpoint ${req.params.id}`));
      const q = req.query;
      const rows = await listDeliveries(ctx.db, req.merchantId, req.params.id, { status: q.status }, { limit: q.limit, startingAfter: q.starting_after });
      return reply.send(page(rows, q.limit, presentDelivery));
    },
  );
}
