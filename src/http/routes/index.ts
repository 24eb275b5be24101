import type { App } from '../../platform/http/app.ts';
import type { RouteDeps } from './deps.ts';
import * as apiKeys from './api-keys.routes.ts';
import * as bookingServicesCreate from './booking-services.create.ts';
import * as bookingServicesGet from './booking-services.get.ts';
import * as bookingServicesList from './booking-services.list.ts';
import * as bookingServicesUpdate from './booking-services.update.ts';
import * as bookingsCancel from './bookings.cancel.ts';
import * as bookingsGet from './bookings.get.ts';
import * as bookingsList from './bookings.list.ts';
import * as eventsList from './events.list.ts';
import * as exportsCsv from './exports.csv.ts';
import * as flowsEndpoint from './flows.endpoint.ts';
import * as flows from './flows.routes.ts';
import * as flowsKeywords from './flows.keywords.ts';
import * as health from './health.get.ts';
import * as ledgerBalances from './ledger.balances.ts';
import * as ledgerTransactions from './ledger.transactions.ts';
import * as home from './home.get.ts';
import * as messagesList from './messages.list.ts';
import * as metrics from './metrics.get.ts';
import * as openapi from './openapi.get.ts';
import * as ordersBill from './orders.bill.ts';
import * as ordersCancel from './orders.cancel.ts';
import * as ordersCreate from './orders.create.ts';
import * as ordersEvents from './orders.events.ts';
import * as ordersGet from './orders.get.ts';
import * as ordersLedger from './orders.ledger.ts';
import * as ordersList from './orders.list.ts';
import * as ordersPayments from './orders.payments.ts';
import * as ordersRefunds from './orders.refunds.ts';
import * as ordersReview from './orders.review.ts';
import * as ordersStatus from './orders.status.ts';
import * as payPage from './pay.page.ts';
import * as productsCreate from './products.create.ts';
import * as productsGet from './products.get.ts';
import * as productsList from './products.list.ts';
import * as productsUpdate from './products.update.ts';
import * as reconciliationsCreate from './reconciliations.create.ts';
import * as reconciliationsGet from './reconciliations.get.ts';
import * as reconciliationsRerun from './reconciliations.rerun.ts';
import * as settingsBooking from './settings.booking.ts';
import * as settingsPayments from './settings.payments.ts';
import * as settingsProviders from './settings.providers.ts';
import * as settingsWhatsApp from './settings.whatsapp.ts';
import * as webhookEndpointsAttempts from './webhook-endpoints.attempts.ts';
import * as webhookEndpointsCreate from './webhook-endpoints.create.ts';
import * as webhookEndpointsList from './webhook-endpoints.list.ts';
import * as webhookEndpointsReplay from './webhook-endpoints.replay.ts';
import * as webhookEndpointsRotate from './webhook-endpoints.rotate.ts';
import * as webhookEndpointsSendTest from './webhook-endpoints.send-test.ts';
import * as webhookEndpointsUpdate from './webhook-endpoints.update.ts';
import * as webhooksProviders from './webhooks.providers.ts';
import * as webhooksWhatsApp from './webhooks.whatsapp.ts';

const v1 = [
  productsCreate, productsList, productsGet, productsUpdate,
  ordersCreate, ordersList, ordersGet, ordersPayments, ordersEvents, ordersStatus, ordersCancel,
  ordersBill, ordersReview, ordersRefunds,
  ledgerBalances, ledgerTransactions, ordersLedger,
  eventsList, exportsCsv, messagesList, apiKeys, settingsProviders, settingsPayments, settingsWhatsApp,
  flows, flowsKeywords,
  bookingServicesCreate, bookingServicesList, bookingServicesGet, bookingServicesUpdate, bookingsList, bookingsGet, bookingsCancel, settingsBooking,
  webhookEndpointsCreate, webhookEndpointsList, webhookEndpointsUpdate, webhookEndpointsRotate, webhookEndpointsSendTest, webhookEndpointsAttempts, webhookEndpointsReplay,
  reconciliationsCreate, reconciliationsGet, reconciliationsRerun,
];

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  for (const r of [health, metrics, openapi, home, payPage, webhooksProviders, webhooksWhatsApp, flowsEndpoint]) r.register(app, deps);
  if (deps.ctx.mode === 'sandbox') await (await import('../../sandbox/psp/psp.routes.ts')).registerSandboxPsp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../../sandbox/whatsapp/wa.routes.ts')).registerSandboxWhatsApp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../../sandbox/whatsapp/wa.encryption.ts')).registerSandboxEncryption(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../../sandbox/phone/phone.routes.ts')).registerSandboxPhone(app, deps.ctx);
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', deps.authHook);
    for (const r of v1) r.register(scoped as App, deps);
  });
}
