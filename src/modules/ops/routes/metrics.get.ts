// GET /metrics: Prometheus text. Open unless METRICS_TOKEN is set; then only a scraper
// presenting it as a Bearer token is answered (compared in constant time).
import { z } from 'zod';
import crypto from 'node:crypto';
import { domainError } from '../../../domain/errors.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

export function register(app: App, { metrics, metricsToken }: RouteDeps) {
  const expected = metricsToken === undefined ? undefined : digest(metricsToken);
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format); with METRICS_TOKEN set, send it as Authorization: Bearer <METRICS_TOKEN>',
        security: [],
        response: {
          200: { description: 'Prometheus text', content: { 'text/plain': { schema: z.string() } } },
          401: errorEnvelope,
        },
      },
    },
    async (req, reply) => {
      if (expected) {
        const h = req.headers.authorization;
        const presented = typeof h === 'string' ? /^Bearer (\S+)$/i.exec(h)?.[1] : undefined;
        if (presented === undefined || !crypto.timingSafeEqual(digest(presented), expected)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          return sendError(req, reply, domainError('unauthorized', 'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>'));
        }
      }
      reply.type(metrics.registry.contentType);
      return reply.send(await metrics.registry.metrics());
    },
  );
}
