// Every HTTP route of the merchants module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as apiKeys from './routes/api-keys.ts';
import * as settingsBusiness from './routes/settings.business.ts';

export const merchantsRoutes: ModuleRoutes = {
  api: [apiKeys, settingsBusiness],
  public: [],
};
