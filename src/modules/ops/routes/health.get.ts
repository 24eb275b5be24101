import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { checkHealth } from '../ops.health.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    const h = await checkHealth(ctx);
    return h.ok ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'unavailable', reason: h.reason });
  });
}
