// The sandbox's public surface: local doubles of the systems outside chatcart (WhatsApp's
// Cloud API, a payment provider, a customer's phone), so a merchant can try everything
// without a Meta or PSP account. The product never imports it; only the composition root
// wires it in, and only in sandbox mode.
import type { AppContext } from '../../../src/platform/context.ts';
import type { App } from '../../../src/platform/http/app.ts';
import type { RouteDeps } from '../../../src/platform/http/route-deps.ts';
import type { JobHandler } from '../../../src/platform/jobs/runner.ts';
import { registerSandboxPhone } from './phone/phone.routes.ts';
import { registerSandboxPsp } from './psp/psp.routes.ts';
import { sandboxPspJobHandlers } from './psp/psp.jobs.ts';
import { registerSandboxSettlements } from './psp/psp.settlements.ts';
import { registerSandboxEncryption } from './whatsapp/wa.encryption.ts';
import { sandboxWhatsAppJobHandlers } from './whatsapp/wa.jobs.ts';
import { registerSandboxWhatsApp } from './whatsapp/wa.routes.ts';

export { ensureSandboxPspAccount, type SandboxPspCredentials } from './psp/psp.repository.ts';

/** Every route of the doubles: the PSP's API and pages, the Graph API, the phone. */
export async function registerSandboxRoutes(app: App, deps: RouteDeps): Promise<void> {
  await registerSandboxPsp(app, deps.ctx);
  await registerSandboxSettlements(app, deps);
  await registerSandboxWhatsApp(app, deps.ctx);
  await registerSandboxEncryption(app, deps.ctx);
  await registerSandboxPhone(app, deps.ctx);
}

/** The doubles' own work: webhook deliveries, statuses, expiries, settlements. */
export function sandboxJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return { ...sandboxPspJobHandlers(ctx), ...sandboxWhatsAppJobHandlers(ctx) };
}
