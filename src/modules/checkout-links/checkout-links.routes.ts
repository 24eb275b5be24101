// Every HTTP route of checkout links: the API behind the key, and the public page with its QR code.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as create from './routes/checkout-links.create.ts';
import * as get from './routes/checkout-links.get.ts';
import * as list from './routes/checkout-links.list.ts';
import * as publicPage from './routes/checkout-links.page.ts';
import * as update from './routes/checkout-links.update.ts';

export const checkoutLinksRoutes: ModuleRoutes = {
  api: [create, list, get, update],
  public: [publicPage],
};
