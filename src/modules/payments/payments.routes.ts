// Every HTTP route of the payments module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as ordersPayments from './routes/orders.payments.ts';
import * as ordersRecordPayment from './routes/orders.record-payment.ts';
import * as ordersRefunds from './routes/orders.refunds.ts';
import * as ordersReview from './routes/orders.review.ts';
import * as payPage from './routes/pay.page.ts';
import * as webhooksProviders from './routes/provider-webhooks.ts';
import * as settingsPayments from './routes/settings.payments.ts';
import * as settingsProviders from './routes/settings.providers.ts';

export const paymentsRoutes: ModuleRoutes = {
  api: [ordersPayments, ordersReview, ordersRefunds, ordersRecordPayment, settingsProviders, settingsPayments],
  public: [payPage, webhooksProviders],
};
