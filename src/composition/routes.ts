// Every route of the product, module by module; the sandbox's only in sandbox mode.
import type { App } from '../platform/http/app.ts';
import type { RouteDeps } from '../platform/http/route-deps.ts';
import * as openapi from '../platform/http/openapi.get.ts';
import { catalogRoutes } from '../modules/catalog/index.ts';
import { customersRoutes } from '../modules/customers/index.ts';
import { conversationsRoutes } from '../modules/conversations/index.ts';
import { ordersRoutes } from '../modules/orders/index.ts';
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
import { authorizationHooks, usersRoutes } from '../modules/users/index.ts';
import { consoleRoutes } from '../modules/console/index.ts';

const MODULES = [
  customersRoutes,
  conversationsRoutes,
  catalogRoutes,
  ordersRoutes,
  paymentsRoutes,
  ledgerRoutes,
  eventsRoutes,
  opsRoutes,
  whatsappRoutes,
  merchantsRoutes,
  flowsRoutes,
  bookingsRoutes,
  reconciliationRoutes,
  reportsRoutes,
  usersRoutes,
  consoleRoutes,
];

export async function registerRoutes(app: App, deps: RouteDeps): Promise<void> {
  for (const r of [openapi, ...MODULES.flatMap((m) => m.public)]) r.register(app, deps);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/psp/psp.routes.ts')).registerSandboxPsp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/psp/psp.settlements.ts')).registerSandboxSettlements(app, deps);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/whatsapp/wa.routes.ts')).registerSandboxWhatsApp(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/whatsapp/wa.encryption.ts')).registerSandboxEncryption(app, deps.ctx);
  if (deps.ctx.mode === 'sandbox') await (await import('../sandbox/phone/phone.routes.ts')).registerSandboxPhone(app, deps.ctx);
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', deps.authHook);
    // Who may call what: the role table, for every route of this scope (modules/users).
    const authorize = authorizationHooks(deps.ctx);
    scoped.addHook('onRequest', authorize.onRequest);
    scoped.addHook('preHandler', authorize.preHandler);
    scoped.addHook('onSend', authorize.onSend);
    for (const r of MODULES.flatMap((m) => m.api)) r.register(scoped as App, deps);
  });
}
