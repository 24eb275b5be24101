// Every HTTP route of the customers module (all behind the API key or a session, under /v1).
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as customersGet from './routes/customers.get.ts';
import * as customersList from './routes/customers.list.ts';
import * as customersUpdate from './routes/customers.update.ts';

export const customersRoutes: ModuleRoutes = {
  api: [customersList, customersGet, customersUpdate],
  public: [],
};
