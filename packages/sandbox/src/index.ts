// The sandbox's public surface: local doubles of the systems outside chatcart (WhatsApp's
// Cloud API, a payment provider, a customer's phone), so a merchant can try everything
// without a Meta or PSP account. The product never imports it; only the composition root
// wires it in, and only in sandbox mode.
import { registerSandboxPhone } from './phone/phone.routes.ts';
import { registerSandboxPsp } from './psp/psp.routes.ts';
import { sandboxPspJobHandlers } from './psp/psp.jobs.ts';
import { registerSandboxSettlements } from './psp/psp.settlements.ts';
import { registerSandboxEncryption } from './whatsapp/wa.encryption.ts';
import { sandboxWhatsAppJobHandlers } from './whatsapp/wa.jobs.ts';
import { registerSandboxWhatsApp } from './whatsapp/wa.routes.ts';
import type { App, SandboxContext, SandboxHttp, SandboxJobHandler } from './host.ts';

export { SANDBOX_MIGRATIONS } from './migrations.ts';
export { ensureSandboxPspAccount, type SandboxPspCredentials } from './psp/psp.repository.ts';
export type { App as SandboxApp, SandboxBusiness, SandboxContext, SandboxHttp, SandboxJob, SandboxJobHandler, SandboxJobs } from './host.ts';

/** Every route of the doubles: the PSP's API and pages, the Graph API, the phone. */
export async function registerSandboxRoutes(app: App, ctx: SandboxContext, http: SandboxHttp): Promise<void> {
  await registerSandboxPsp(app, ctx);
  await registerSandboxSettlements(app, ctx, http);
  await registerSandboxWhatsApp(app, ctx);
  await registerSandboxEncryption(app, ctx);
  await registerSandboxPhone(app, ctx);
}

/** The doubles' own work: webhook deliveries, statuses, expiries, settlements. */
export function sandboxJobHandlers(ctx: SandboxContext): Record<string, SandboxJobHandler> {
  return { ...sandboxPspJobHandlers(ctx), ...sandboxWhatsAppJobHandlers(ctx) };
}
