// GET /v1/webhook-deliveries: deliveries across all of the merchant's endpoints, newest
// first; ?status=failed is what ran out of attempts (replay them per endpoint), and
// ?status=retrying what failed at least once and waits for its next attempt.
import { z } from 'zod';
import { listMerchantDeliveries } from '../events.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { deliveryWithEndpointListSchema, presentDeliveryWithEndpoint } from '../webhook-endpoints.present.ts';

const query = listQuery.extend({
  status: z
    .enum(['pending', 'delivered', 'failed', 'skipped', 'retrying'])
    .optional()
    .describe('failed: out of attempts; retrying: pending after at least one failed attempt'),
  endpoint_id: z
    .string()
    .regex(/^whe_[0-9a-z]+$/, { message: 'must be a webhook endpoint id such as whe_…' })
    .max(64)
    .optional(),
  event_type: z.string().min(1).max(100).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/webhook-deliveries',
    {
      schema: {
        summary:
          'Webhook deliveries across all endpoints, newest first (?status=failed: what to replay), with the endpoint, attempts, last error and next retry',
        querystring: query,
        response: { 200: deliveryWithEndpointListSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = await listMerchantDeliveries(
        ctx.db,
        req.merchantId,
        { status: q.status, endpointId: q.endpoint_id, eventType: q.event_type },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      return reply.send({ ...page(rows, q.limit, presentDeliveryWithEndpoint), object: 'list' as const });
    },
  );
}
