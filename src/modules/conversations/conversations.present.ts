import { iso } from '../../platform/http/page.ts';
import { customerSummary, windowExpiresAt, type CustomerRow } from '../customers/index.ts';
import type { ConversationRow, NoteRow } from './conversations.repository.ts';

export function presentConversation(c: ConversationRow, customer: CustomerRow | undefined, notes?: NoteRow[]) {
  return {
    id: c.id,
    object: 'conversation' as const,
    customer: customer ? { ...customerSummary(customer), username: customer.username, opted_out_at: iso(customer.opted_out_at) } : { id: c.customer_id },
    status: c.status,
    assigned_to: c.assigned_to,
    unread_count: c.unread_count,
    last_message: c.last_message,
    last_activity_at: iso(c.last_activity_at),
    window_expires_at: customer ? iso(windowExpiresAt(customer)) : null,
    automation: c.automation,
    closed_at: iso(c.closed_at),
    created_at: iso(c.created_at),
    ...(notes ? { notes: notes.map(presentNote) } : {}),
  };
}

export const presentNote = (n: NoteRow) => ({
  id: n.id,
  object: 'note' as const,
  conversation_id: n.conversation_id,
  author: n.author,
  body: n.body,
  created_at: iso(n.created_at),
});
