// Every HTTP route of the orders module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as ordersBill from './routes/orders.bill.ts';
import * as ordersCancel from './routes/orders.cancel.ts';
import * as ordersCreate from './routes/orders.create.ts';
import * as ordersEvents from './routes/orders.events.ts';
import * as ordersGet from './routes/orders.get.ts';
import * as ordersList from './routes/orders.list.ts';
import * as ordersReorder from './routes/orders.reorder.ts';
import * as ordersShippingAddress from './routes/orders.shipping-address.ts';
import * as ordersStatus from './routes/orders.status.ts';

export const ordersRoutes: ModuleRoutes = {
  api: [ordersCreate, ordersList, ordersGet, ordersEvents, ordersStatus, ordersCancel, ordersBill, ordersReorder, ordersShippingAddress],
  public: [],
};
