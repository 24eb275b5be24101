import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Actor } from '../context.ts';
import type { Metrics } from './metrics.ts';

export interface RouteDeps {
  ctx: AppContext;
  metrics: Metrics;
  authHook: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

export const apiActor = (req: FastifyRequest): Actor => ({ source: 'api', id: req.keyId });
