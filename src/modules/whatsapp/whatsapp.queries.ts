// Reads for the whatsapp module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listConversation } from './whatsapp-messages.repository.ts';
export type { MessageRow } from './whatsapp-messages.repository.ts';
export { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
export type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';

import type { Queryable } from '../../platform/store/db.ts';
import { getContact } from './whatsapp-messages.repository.ts';

/** Whether the customer sent an opt-out word (and no START since): only messages they asked for go out. */
export async function hasOptedOut(q: Queryable, merchantId: string, waId: string): Promise<boolean> {
  return !!(await getContact(q, merchantId, waId))?.opted_out_at;
}
