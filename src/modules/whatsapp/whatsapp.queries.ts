// Reads for the whatsapp module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listConversation } from './whatsapp-messages.repository.ts';
export type { MessageRow } from './whatsapp-messages.repository.ts';
export { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
export type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
