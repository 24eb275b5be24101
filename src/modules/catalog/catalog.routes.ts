// Every HTTP route of the catalog module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as productsCreate from './routes/products.create.ts';
import * as productsGet from './routes/products.get.ts';
import * as productsList from './routes/products.list.ts';
import * as productsUpdate from './routes/products.update.ts';

export const catalogRoutes: ModuleRoutes = {
  api: [productsCreate, productsList, productsGet, productsUpdate],
  public: [],
};
