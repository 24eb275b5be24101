// Every HTTP route of the ops module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as exportsCsv from './routes/exports.csv.ts';
import * as customersData from './routes/customers.data.ts';
import * as health from './routes/health.get.ts';
import * as favicon from './routes/favicon.get.ts';
import * as home from './routes/home.get.ts';
import * as metrics from './routes/metrics.get.ts';

export const opsRoutes: ModuleRoutes = {
  api: [exportsCsv, customersData],
  public: [health, metrics, home, favicon],
};
