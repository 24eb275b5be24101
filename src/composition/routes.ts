import type { App } from '../platform/http/app.ts';
import type { RouteDeps } from '../platform/http/route-deps.ts';
import * as apiKeys from '../modules/merchants/routes/api-keys.ts';
import * as bookingServicesCreate from '../modules/bookings/routes/booking-services.create.ts';
import * as bookingServicesGet from '../modules/bookings/routes/booking-services.get.ts';
import * as bookingServicesList from '../modules/bookings/routes/booking-services.list.ts';
import * as bookingServicesUpdate from '../modules/bookings/routes/booking-services.update.ts';
import * as bookingsCancel from '../modules/bookings/routes/bookings.cancel.ts';
import * as bookingsGet from '../modules/bookings/routes/bookings.get.ts';
import * as bookingsList from '../modules/bookings/routes/bookings.list.ts';
import * as eventsList from '../modules/events/routes/events.list.ts';
import * as exportsCsv from '../modules/ops/routes/exports.csv.ts';
import * as flowsEndpoint from '../modules/flows/routes/flows.endpoint.ts';
import * as flows from '../modules/flows/routes/flows.ts';
import * as flowsKeywords from '../modules/flows/routes/flows.keywords.ts';
import * as health from '../modules/ops/routes/health.get.ts';
import * as ledgerBalances from '../modules/ledger/routes/ledger.balances.ts';
import * as ledgerTransactions from '../modules/ledger/routes/ledger.transactions.ts';
import * as home from '../modules/ops/routes/home.get.ts';
import * as messagesList from '../modules/whatsapp/routes/messages.list.ts';
import * as metrics from '../modules/ops/routes/metrics.get.ts';
import * as openapi from '../platform/http/openapi.get.ts';
import * as ordersBill from '../modules/orders/routes/orders.bill.ts';
import * as ordersCancel from '../modules/orders/routes/orders.cancel.ts';
import * as ordersCreate from '../modules/orders/routes/orders.create.ts';
import * as ordersEvents from '../modules/orders/routes/orders.events.ts';
import * as ordersGet from '../modules/orders/routes/orders.get.ts';
import * as ordersLedger from '../modules/ledger/routes/orders.ledger.ts';
import * as ordersList from '../modules/orders/routes/orders.list.ts';
import * as ordersPayments from '../modules/payments/routes/orders.payments.ts';
import * as ordersRefunds from '../modules/payments/routes/orders.refunds.ts';
import * as ordersReview from '../modules/payments/routes/orders.review.ts';
import * as ordersStatus from '../modules/orders/routes/orders.status.ts';
import * as payPage from '../modules/payments/routes/pay.page.ts';
import * as productsCreate from '../modules/catalog/routes/products.create.ts';
import * as productsGet from '../modules/catalog/routes/products.get.ts';
import * as productsList from '../modules/catalog/routes/products.list.ts';
import * as productsUpdate from '../modules/catalog/routes/products.update.ts';
import * as reconciliationsCreate from '../modules/reconciliation/routes/reconciliations.create.ts';
import * as reconciliationsGet from '../modules/reconciliation/routes/reconciliations.get.ts';
import * as reconciliationsRerun from '../modules/reconciliation/routes/reconciliations.rerun.ts';
import * as settingsBooking from '../modules/bookings/routes/settings.booking.ts';
import * as settingsPayments from '../modules/payments/routes/settings.payments.ts';
import * as settingsProviders from '../modules/payments/routes/settings.providers.ts';
import * as settingsWhatsApp from '../modules/whatsapp/routes/settings.whatsapp.ts';
import * as webhookEndpointsAttempts from '../modules/events/routes/webhook-endpoints.attempts.ts';
import * as webhookEndpointsCreate from '../modules/events/routes/webhook-endpoints.create.ts';
import * as webhookEndpointsList from '../modules/events/routes/webhook-endpoints.list.ts';
import * as webhookEndpointsReplay from '../modules/events/routes/webhook-endpoints.replay.ts';
import * as webhookEndpointsRotate from '../modules/events/routes/webhook-endpoints.rotate.ts';
import * as webhookEndpointsSendTest from '../modules/events/routes/webhook-endpoints.send-test.ts';
import * as webhookEndpointsUpdate from '../modules/events/routes/webhook-endpoints.update.ts';
import * as webhooksProviders from '../modules/payments/routes/provider-webhooks.ts';
import * as webhooksWhatsApp from '../modules/whatsapp/routes/webhook.ts';

const v1 = [
  productsCreate,
  productsList,
  productsGet,
  productsUpdate,
  ordersCreate,
  ordersList,
  ordersGet,
  ordersPayments,
  ordersEvents,
  ordersStatus,
  ordersCancel,
  ordersBill,
  ordersReview,
  ordersRefunds,
  ledgerBalances,
  ledgerTransactions,
  ordersLedger,
  eventsList,
  exportsCsv,
  messagesList,
  apiKeys,
  settingsProviders,
  settingsPayments,
  settingsWhatsApp,
  flows,
  flowsKeywords,
  bookingServicesCreate,
  bookingServicesList,
  bookingServicesGet,
  bookingServicesUpdate,
  bookingsList,
  bookingsGet,
  bookingsCancel,
  settingsBooking,
  webhookEndpointsCreate,
  webhookEndpointsList,
  webhookEndpointsUpdate,
  webhookEndpointsRotate,
  webhookEndpointsSendTest,
  webhookEndpointsAttempts,
  webhookEndpointsReplay,
  reconciliationsCreate,
  reconciliationsGet,
  reconciliationsRerun,
];

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  for (const r of [health, metrics, openapi, home, payPage, webhooksProviders, webhooksWhatsApp, flowsEndpoint]) r.register(app, deps);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/psp/psp.routes.ts')).registerSandboxPsp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/whatsapp/wa.routes.ts')).registerSandboxWhatsApp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/whatsapp/wa.encryption.ts')).registerSandboxEncryption(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/phone/phone.routes.ts')).registerSandboxPhone(app, deps.ctx);
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', deps.authHook);
    for (const r of v1) r.register(scoped as App, deps);
  });
}
