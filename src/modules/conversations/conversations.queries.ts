// Reads for the conversations module's routes.
import type { Queryable } from '../../platform/store/db.ts';
import { getCustomersByIds, type CustomerRow } from '../customers/index.ts';
import type { ConversationRow } from './conversations.repository.ts';

export { getConversation, getConversationOfCustomer, listConversations, listNotes } from './conversations.repository.ts';
export type { ConversationRow } from './conversations.repository.ts';
export { listQuickReplies } from './quick-replies.repository.ts';

/** The customers of these conversations, by id (one query for a page). */
export async function customersOf(q: Queryable, merchantId: string, rows: ConversationRow[]): Promise<Map<string, CustomerRow>> {
  return new Map((await getCustomersByIds(q, merchantId, [...new Set(rows.map((r) => r.customer_id))])).map((c) => [c.id, c]));
}
