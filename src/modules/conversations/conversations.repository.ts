import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface LastMessage {
  id: string;
  direction: 'in' | 'out';
  type: string;
  preview: string | null;
  created_at: string;
}

export interface ConversationRow {
  id: string;
  merchant_id: string;
  customer_id: string;
  status: 'open' | 'closed';
  assigned_to: string | null;
  unread_count: number;
  last_message: LastMessage | null;
  last_activity_at: Date;
  automation: 'on' | 'paused';
  last_staff_reply_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NoteRow {
  id: string;
  merchant_id: string;
  conversation_id: string;
  author: string;
  body: string;
  created_at: Date;
}

/**
 * The customer's conversation after a message: made when there is none, reopened by a message
 * from the customer, its unread count raised by one for an inbound message, and a reply from
 * staff pauses its automation. One statement (the unique key serializes concurrent messages).
 */
export async function upsertOnMessage(
  q: Queryable,
  m: { id: string; merchantId: string; customerId: string; last: LastMessage; inbound: boolean; staff: boolean; at: Date; now: Date },
): Promise<ConversationRow> {
  return (
    await q.query<ConversationRow>(
      `insert into conversations (id, merchant_id, customer_id, status, unread_count, last_message, last_activity_at, automation, last_staff_reply_at, created_at, updated_at)
       values ($1, $2, $3, 'open', case when $5 then 1 else 0 end, $4::jsonb, $6, case when $7 then 'paused' else 'on' end, case when $7 then $6::timestamptz end, $8, $8)
       on conflict (merchant_id, customer_id) do update set
         status = case when $5 then 'open' else conversations.status end,
         closed_at = case when $5 then null else conversations.closed_at end,
         unread_count = conversations.unread_count + case when $5 then 1 else 0 end,
         last_message = case when excluded.last_activity_at >= conversations.last_activity_at then excluded.last_message else conversations.last_message end,
         last_activity_at = greatest(conversations.last_activity_at, excluded.last_activity_at),
         automation = case when $7 then 'paused' else conversations.automation end,
         last_staff_reply_at = case when $7 then $6::timestamptz else conversations.last_staff_reply_at end,
         updated_at = $8
       returning *`,
      [m.id, m.merchantId, m.customerId, JSON.stringify(m.last), m.inbound, m.at, m.staff, m.now],
    )
  )[0]!;
}

export async function getConversation(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<ConversationRow | undefined> {
  return (
    await q.query<ConversationRow>(`select * from conversations where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export async function getConversationOfCustomer(q: Queryable, merchantId: string, customerId: string): Promise<ConversationRow | undefined> {
  return (await q.query<ConversationRow>(`select * from conversations where merchant_id = $1 and customer_id = $2`, [merchantId, customerId]))[0];
}

export type ConversationPatch = Partial<Pick<ConversationRow, 'status' | 'assigned_to' | 'unread_count' | 'automation' | 'closed_at'>>;

export async function updateConversation(q: Queryable, merchantId: string, id: string, patch: ConversationPatch, now: Date): Promise<ConversationRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params);
  return (
    await q.query<ConversationRow>(`update conversations set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0]!;
}

export interface ConversationFilter {
  status?: 'open' | 'closed' | undefined;
  /** A user id, or null for unassigned ones. */
  assignedTo?: string | null | undefined;
  unread?: boolean | undefined;
  customerId?: string | undefined;
}

/** Newest activity first; the cursor is a conversation id, compared on (last_activity_at, id). */
export async function listConversations(
  q: Queryable,
  merchantId: string,
  f: ConversationFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<ConversationRow[]> {
  const params: unknown[] = [merchantId];
  const where = ['c.merchant_id = $1'];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (page.startingAfter !== undefined)
    add(
      (p) => `(c.last_activity_at, c.id) < (select a.last_activity_at, a.id from conversations a where a.merchant_id = $1 and a.id = ${p})`,
      page.startingAfter,
    );
  if (f.status !== undefined) add((p) => `c.status = ${p}`, f.status);
  if (f.assignedTo === null) where.push('c.assigned_to is null');
  else if (f.assignedTo !== undefined) add((p) => `c.assigned_to = ${p}`, f.assignedTo);
  if (f.unread === true) where.push('c.unread_count > 0');
  if (f.unread === false) where.push('c.unread_count = 0');
  if (f.customerId !== undefined) add((p) => `c.customer_id = ${p}`, f.customerId);
  params.push(page.limit + 1);
  return q.query<ConversationRow>(
    `select c.* from conversations c where ${where.join(' and ')} order by c.last_activity_at desc, c.id desc limit $${params.length}`,
    params,
  );
}

/** Whether a console user belongs to this merchant (an assignee must). */
export async function isUserOfMerchant(q: Queryable, merchantId: string, userId: string): Promise<boolean> {
  return (await q.query(`select 1 from users where merchant_id = $1 and id = $2`, [merchantId, userId])).length > 0;
}

export async function insertNote(q: Queryable, n: Omit<NoteRow, 'created_at'> & { now: Date }): Promise<NoteRow> {
  return (
    await q.query<NoteRow>(
      `insert into conversation_notes (id, merchant_id, conversation_id, author, body, created_at) values ($1, $2, $3, $4, $5, $6) returning *`,
      [n.id, n.merchant_id, n.conversation_id, n.author, n.body, n.now],
    )
  )[0]!;
}

export async function listNotes(q: Queryable, merchantId: string, conversationId: string, limit = 100): Promise<NoteRow[]> {
  return q.query<NoteRow>(`select * from conversation_notes where merchant_id = $1 and conversation_id = $2 order by created_at desc, id desc limit $3`, [
    merchantId,
    conversationId,
    limit,
  ]);
}
