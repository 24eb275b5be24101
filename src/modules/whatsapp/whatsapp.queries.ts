// Reads for the whatsapp module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listConversation, listConversationMessages } from './whatsapp-messages.repository.ts';
export type { MessageRow } from './whatsapp-messages.repository.ts';
export { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
export { getSync, getSyncSettings, listSyncs } from './catalog-syncs.repository.ts';
export type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';

import type { Queryable } from '../../platform/store/db.ts';
import { getCustomer } from '../customers/index.ts';

/** Whether the customer sent an opt-out word (and no START since): only messages they asked for go out. */
export async function hasOptedOut(q: Queryable, merchantId: string, customerId: string): Promise<boolean> {
  return !!(await getCustomer(q, merchantId, customerId))?.opted_out_at;
}
export { getUploadByToken } from './media-uploads.repository.ts';
export { getInboundMediaData } from './inbound-media.repository.ts';
