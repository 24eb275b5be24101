// Every route of the product, module by module; the sandbox's only in sandbox mode.
import type { App } from '../platform/http/app.ts';
import type { ModuleRoutes, RouteDeps } from '../platform/http/route-deps.ts';
import { documentRoutes } from '../platform/http/openapi.ts';
import * as openapi from '../platform/http/openapi.get.ts';
import { catalogRoutes } from '../modules/catalog/index.ts';
import { customersRoutes } from '../modules/customers/index.ts';
import { conversationsRoutes } from '../modules/conversations/index.ts';
import { automationRoutes } from '../modules/automation/index.ts';
import { ordersRoutes } from '../modules/orders/index.ts';
import { checkoutLinksRoutes } from '../modules/checkout-links/index.ts';
import { paymentsRoutes } from '../modules/payments/index.ts';
import { ledgerRoutes } from '../modules/ledger/index.ts';
import { eventsRoutes } from '../modules/events/index.ts';
import { opsRoutes } from '../modules/ops/index.ts';
import { whatsappRoutes } from '../modules/whatsapp/index.ts';
import { merchantsRoutes } from '../modules/merchants/index.ts';
import { flowsRoutes } from '../modules/flows/index.ts';
import { bookingsRoutes } from '../modules/bookings/index.ts';
import { reconciliationRoutes } from '../modules/reconciliation/index.ts';
import { reportsRoutes } from '../modules/reports/index.ts';
import { remindersRoutes } from '../modules/reminders/index.ts';
import { authorizationHooks, usersRoutes } from '../modules/users/index.ts';
import { consoleRoutes } from '../modules/console/index.ts';
import { streamRoutes } from '../modules/stream/index.ts';
import { sandboxContext, sandboxHttp } from './sandbox-host.ts';

// Each module's routes, under its name: the name is their tag in /openapi.json.
const MODULES: Record<string, ModuleRoutes> = {
  customers: customersRoutes,
  conversations: conversationsRoutes,
  automation: automationRoutes,
  catalog: catalogRoutes,
  orders: ordersRoutes,
  'checkout-links': checkoutLinksRoutes,
  payments: paymentsRoutes,
  ledger: ledgerRoutes,
  events: eventsRoutes,
  ops: opsRoutes,
  whatsapp: whatsappRoutes,
  merchants: merchantsRoutes,
  flows: flowsRoutes,
  bookings: bookingsRoutes,
  reconciliation: reconciliationRoutes,
  reports: reportsRoutes,
  reminders: remindersRoutes,
  users: usersRoutes,
  console: consoleRoutes,
  stream: streamRoutes,
};

/** The tags of /openapi.json: one per module, in this order. */
export const OPENAPI_TAGS: { name: keyof typeof MODULES & string; description: string }[] = [
  { name: 'customers', description: 'Customers: one per person, by business-scoped user id (BSUID) or phone' },
  { name: 'conversations', description: 'Conversations: threads per customer, assignment, notes, quick replies' },
  { name: 'automation', description: 'Automatic replies: greeting, away, keywords, fallback; the hand-off to a person' },
  { name: 'catalog', description: 'Products' },
  { name: 'orders', description: 'Orders and their bills' },
  { name: 'checkout-links', description: 'Reusable links to pay the shop (a fixed amount, a range, or products), with their public page and QR code' },
  { name: 'payments', description: 'Payment attempts, refunds, reviews, provider credentials, payment policies; incoming provider webhooks' },
  { name: 'ledger', description: 'The journal and balances' },
  { name: 'events', description: 'The event log and outgoing webhooks' },
  { name: 'ops', description: 'Exports, health and metrics' },
  { name: 'whatsapp', description: 'WhatsApp settings and messages; incoming WhatsApp webhooks' },
  { name: 'merchants', description: 'API keys and business settings' },
  { name: 'flows', description: 'WhatsApp Flows: keys, keywords, sending; the data endpoint' },
  { name: 'bookings', description: 'Services, bookings and booking settings' },
  { name: 'reconciliation', description: 'Settlement reports and their runs' },
  { name: 'reports', description: 'Orders and revenue per day' },
  { name: 'reminders', description: 'Reminders of unpaid bills: what they did and recovered (their schedule is a payment setting)' },
  { name: 'users', description: 'Console users, sessions, roles and the audit log' },
  { name: 'stream', description: "Live updates: the merchant's changes as server-sent events" },
];
// (The console module serves pages only: it has no operation, so no tag.)

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  openapi.register(app, deps);
  for (const [tag, m] of Object.entries(MODULES)) {
    await app.register(async (scope) => {
      documentRoutes(scope as App, { tag, authenticated: false });
      for (const r of m.public) r.register(scope as App, deps);
    });
  }
  // The doubles of WhatsApp, the PSP and the phone: a package of their own, loaded in sandbox mode only.
  if (deps.ctx.mode === 'sandbox') await (await import('@chatcart/sandbox')).registerSandboxRoutes(app, sandboxContext(deps.ctx), sandboxHttp(deps));
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', deps.authHook);
    // Who may call what: the role table, for every route of this scope (modules/users).
    const authorize = authorizationHooks(deps.ctx);
    scoped.addHook('onRequest', authorize.onRequest);
    scoped.addHook('preHandler', authorize.preHandler);
    scoped.addHook('onSend', authorize.onSend);
    for (const [tag, m] of Object.entries(MODULES)) {
      await scoped.register(async (scope) => {
        documentRoutes(scope as App, { tag, authenticated: true });
        for (const r of m.api) r.register(scope as App, deps);
      });
    }
  });
}
