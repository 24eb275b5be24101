import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { checkHealth } from '../ops.health.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Whether the server and its database answer (for load balancers and monitors)',
        security: [],
        response: {
          200: z.object({ status: z.literal('ok') }).describe('The database answers'),
          503: z.object({ status: z.literal('unavailable'), reason: z.string() }).describe('The database does not answer'),
        },
      },
    },
    async (_req, reply) => {
      const h = await checkHealth(ctx);
      return h.ok ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'unavailable', reason: h.error });
    },
  );
}
