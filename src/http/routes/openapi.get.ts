import type { App } from '../../platform/http/app.ts';
import type { RouteDeps } from './deps.ts';

export function register(app: App, _deps: RouteDeps) {
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.send(app.swagger()));
}
