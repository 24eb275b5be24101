// The whatsapp module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './whatsapp.routes.ts';
export type { MessageRow } from './whatsapp-messages.repository.ts';
export { findSandboxNumberByToken, getNumberByMerchant, getSandboxNumber, listSandboxNumbers } from './whatsapp-numbers.repository.ts';
export { hasOptedOut } from './whatsapp.queries.ts';
export type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
export { whatsappJobHandlers } from './whatsapp.jobs.ts';
export { ensureSandboxNumber, whatsappAppSecret } from './whatsapp.numbers.ts';
export { queueMessage } from './whatsapp.outbox.ts';
export { queueOrderReceipt } from './whatsapp.notify.ts';
export { updateWhatsAppSettings } from './whatsapp.settings.ts';
export type { WhatsAppSettingsInput } from './whatsapp.settings.ts';
export { whatsappPayCredentials } from './whatsapp.pay-account.ts';
export { scheduleCatalogImports } from './whatsapp.catalog-sync.ts';
