import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { metrics }: RouteDeps) {
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return reply.send(await metrics.registry.metrics());
  });
}
