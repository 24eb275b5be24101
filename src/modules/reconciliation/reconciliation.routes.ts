// Every HTTP route of the reconciliation module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as reconciliationsCreate from './routes/reconciliations.create.ts';
import * as reconciliationsGet from './routes/reconciliations.get.ts';
import * as reconciliationsRerun from './routes/reconciliations.rerun.ts';

export const reconciliationRoutes: ModuleRoutes = {
  api: [reconciliationsCreate, reconciliationsGet, reconciliationsRerun],
  public: [],
};
