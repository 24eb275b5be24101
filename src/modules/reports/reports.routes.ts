// Every HTTP route of the reports module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as reportsDaily from './routes/reports.daily.ts';

export const reportsRoutes: ModuleRoutes = {
  api: [reportsDaily],
  public: [],
};
