// What every route file gets: the app it registers on and the dependencies it may use.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import type { Actor } from '../context.ts';
import type { Metrics } from './metrics.ts';

// biome-ignore lint/suspicious/noExplicitAny: fastify's server/request/reply/logger generics, as fastify itself defaults them
export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

export interface RouteDeps {
  ctx: AppContext;
  metrics: Metrics;
  authHook: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** METRICS_TOKEN: when set, GET /metrics needs it as a Bearer token. */
  metricsToken?: string | undefined;
}

/** Who made a change over HTTP: the API key (key_…) or the console user (usr_…), with its role and address. */
export const apiActor = (req: FastifyRequest): Actor => ({
  source: 'api',
  id: req.principal?.id ?? req.keyId,
  principal: req.principal ? { kind: req.principal.kind, role: req.principal.role } : undefined,
  address: req.ip,
});

/** One endpoint file: its register function. */
export interface RouteModule {
  register(app: App, deps: RouteDeps): void;
}

/** A module's routes: `api` behind the API key under /v1, `public` without it. */
export interface ModuleRoutes {
  api: RouteModule[];
  public: RouteModule[];
}
