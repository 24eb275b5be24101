import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import { customerSummary, windowExpiresAt, type CustomerRow } from '../customers/index.ts';
import type { ConversationRow, NoteRow } from './conversations.repository.ts';

export function presentConversation(c: ConversationRow, customer: CustomerRow | undefined, notes?: NoteRow[]): z.infer<typeof conversationSchema> {
  return {
    id: c.id,
    object: 'conversation' as const,
    customer: customer ? { ...customerSummary(customer), username: customer.username, opted_out_at: iso(customer.opted_out_at) } : { id: c.customer_id },
    status: c.status,
    assigned_to: c.assigned_to,
    unread_count: c.unread_count,
    last_message: c.last_message,
    last_activity_at: iso(c.last_activity_at)!,
    window_expires_at: customer ? iso(windowExpiresAt(customer)) : null,
    automation: c.automation,
    closed_at: iso(c.closed_at),
    created_at: iso(c.created_at)!,
    ...(notes ? { notes: notes.map(presentNote) } : {}),
  };
}

export const presentNote = (n: NoteRow) => ({
  id: n.id,
  object: 'note' as const,
  conversation_id: n.conversation_id,
  author: n.author,
  body: n.body,
  created_at: iso(n.created_at)!,
});

export const noteSchema = z
  .object({
    id: z.string().describe('nte_…'),
    object: z.literal('note'),
    conversation_id: z.string(),
    author: z.string(),
    body: z.string(),
    created_at: isoTime,
  })
  .meta({ id: 'ConversationNote', description: 'An internal note: never sent to the customer' });

export const conversationSchema = z
  .object({
    id: z.string().describe('cnv_…'),
    object: z.literal('conversation'),
    customer: z
      .object({
        id: z.string(),
        bsuid: z.string().nullable().optional(),
        wa_id: z.string().nullable().optional(),
        name: z.string().nullable().optional(),
        username: z.string().nullable().optional(),
        opted_out_at: isoTime.nullable().optional(),
      })
      .describe('cus_…, with their identifiers and name'),
    status: z.enum(['open', 'closed']),
    assigned_to: z.string().nullable().describe('usr_… or null'),
    unread_count: z.number().int(),
    last_message: z
      .object({ id: z.string(), direction: z.enum(['in', 'out']), type: z.string(), preview: z.string().nullable(), created_at: isoTime })
      .nullable(),
    last_activity_at: isoTime,
    window_expires_at: isoTime.nullable(),
    automation: z.enum(['on', 'paused']),
    closed_at: isoTime.nullable(),
    created_at: isoTime,
    notes: z.array(noteSchema).optional().describe('GET /v1/conversations/{id} only: internal notes, newest first'),
  })
  .meta({ id: 'Conversation', description: "A customer's thread" });

export const conversationListSchema = listOf(conversationSchema);
