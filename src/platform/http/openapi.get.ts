import type { App } from './app.ts';
import type { RouteDeps } from './route-deps.ts';

export function register(app: App, _deps: RouteDeps) {
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.send(app.swagger()));
}
