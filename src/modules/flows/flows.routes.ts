// Every HTTP route of the flows module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as flowsEndpoint from './routes/flows.endpoint.ts';
import * as flowsKeywords from './routes/flows.keywords.ts';
import * as flows from './routes/flows.ts';

export const flowsRoutes: ModuleRoutes = {
  api: [flows, flowsKeywords],
  public: [flowsEndpoint],
};
