import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ctx.db.query('select 1');
      return reply.send({ status: 'ok' });
    } catch (e) {
      ctx.log.warn({ err: e }, 'health check: the database did not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });
}
