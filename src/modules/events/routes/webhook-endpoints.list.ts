import { domainError } from '../../../domain/errors.ts';
import { getEndpoint, listEndpoints } from '../events.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentEndpoint } from '../webhook-endpoints.present.ts';
import { endpointListSchema, endpointSchema } from '../webhook-endpoints.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/webhook-endpoints',
    { schema: { response: { 200: endpointListSchema }, summary: 'List webhook endpoints, oldest first (secrets are never listed)', querystring: listQuery } },
    async (req, reply) => {
      const rows = await listEndpoints(ctx.db, req.merchantId, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, (r) => presentEndpoint(r)));
    },
  );
  app.get(
    '/v1/webhook-endpoints/:id',
    { schema: { response: { 200: endpointSchema }, summary: 'A webhook endpoint', params: idParam('whe') } },
    async (req, reply) => {
      const row = await getEndpoint(ctx.db, req.merchantId, req.params.id);
      if (!row) return sendError(req, reply, domainError('not_found', `No webhook endpoint ${req.params.id}`));
      return reply.send(presentEndpoint(row));
    },
  );
}
