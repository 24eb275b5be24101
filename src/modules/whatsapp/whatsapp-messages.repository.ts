import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received' | 'skipped';

export interface MessageRow {
  id: string;
  merchant_id: string;
  phone_number_id: string;
  /** The customer (customers module): who wrote or was written to. */
  customer_id: string | null;
  /** The customer's conversation (conversations module). */
  conversation_id?: string | null;
  /** The customer's phone when the message was stored (null for a customer known by BSUID only). */
  wa_id: string | null;
  direction: 'in' | 'out';
  wamid: string | null;
  type: string;
  payload: Record<string, any>;
  status: MessageStatus;
  error: { code: number | string; title: string; message?: string; details?: string } | null;
  order_id: string | null;
  payment_id: string | null;
  essential: boolean;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  /** Set when retention removed the content (the row stays for audit and deduplication). */
  redacted_at?: Date | null;
}

export async function insertMessage(
  q: Queryable,
  m: Pick<
    MessageRow,
    | 'id'
    | 'merchant_id'
    | 'phone_number_id'
    | 'customer_id'
    | 'wa_id'
    | 'direction'
    | 'wamid'
    | 'type'
    | 'payload'
    | 'status'
    | 'order_id'
    | 'payment_id'
    | 'essential'
  > & { now: Date; conversation_id?: string | null },
): Promise<MessageRow | undefined> {
  return (
    await q.query<MessageRow>(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, order_id, payment_id, essential, created_at, updated_at, customer_id, conversation_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)
       on conflict (phone_number_id, wamid) where wamid is not null do nothing returning *`,
      [
        m.id,
        m.merchant_id,
        m.phone_number_id,
        m.wa_id,
        m.direction,
        m.wamid,
        m.type,
        JSON.stringify(m.payload),
        m.status,
        m.order_id,
        m.payment_id,
        m.essential,
        m.now,
        m.customer_id,
        m.conversation_id ?? null,
      ],
    )
  )[0];
}

export async function getMessage(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<MessageRow | undefined> {
  return (await q.query<MessageRow>(`select * from whatsapp_messages where id = $1${opts.forUpdate ? ' for update' : ''}`, [id]))[0];
}

export async function getMessageByWamid(
  q: Queryable,
  phoneNumberId: string,
  wamid: string,
  opts: { forUpdate?: boolean } = {},
): Promise<MessageRow | undefined> {
  return (
    await q.query<MessageRow>(`select * from whatsapp_messages where phone_number_id = $1 and wamid = $2${opts.forUpdate ? ' for update' : ''}`, [
      phoneNumberId,
      wamid,
    ])
  )[0];
}

/** The messages named by (phone number, wamid) pairs, locked in id order (one lock order for every worker). */
export async function lockMessagesByWamids(q: Queryable, keys: { phoneNumberId: string; wamid: string }[]): Promise<MessageRow[]> {
  if (keys.length === 0) return [];
  return q.query<MessageRow>(
    `select m.* from whatsapp_messages m
       join (select unnest($1::text[]) as phone_number_id, unnest($2::text[]) as wamid) k
         on m.phone_number_id = k.phone_number_id and m.wamid = k.wamid
      order by m.id for update of m`,
    [keys.map((k) => k.phoneNumberId), keys.map((k) => k.wamid)],
  );
}

/** Sets many messages' delivery status in one statement; an error, when given, replaces the stored one. */
export async function setMessageStatuses(
  q: Queryable,
  updates: { id: string; status: MessageStatus; error: MessageRow['error'] | null }[],
  now: Date,
): Promise<void> {
  if (updates.length === 0) return;
  await q.query(
    `update whatsapp_messages m set status = v.status, error = coalesce(v.error::jsonb, m.error), updated_at = $1
       from (select unnest($2::text[]) as id, unnest($3::text[]) as status, unnest($4::text[]) as error) v
      where m.id = v.id`,
    [now, updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => (u.error ? JSON.stringify(u.error) : null))],
  );
}

export async function updateMessage(
  q: Queryable,
  id: string,
  patch: Partial<Pick<MessageRow, 'status' | 'wamid' | 'error' | 'sent_at' | 'payload' | 'type' | 'order_id' | 'conversation_id'>>,
  now: Date,
): Promise<MessageRow> {
  const params: unknown[] = [id, now];
  const sets = setList(patch, params, new Set(['error', 'payload']));
  return (await q.query<MessageRow>(`update whatsapp_messages set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1 returning *`, params))[0]!;
}

export async function listConversation(
  q: Queryable,
  merchantId: string,
  waId: string,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<MessageRow[]> {
  return q.query<MessageRow>(
    `select * from whatsapp_messages where merchant_id = $1 and wa_id = $2 and ($3::text is null or id < $3) order by id desc limit $4`,
    [merchantId, waId, page.startingAfter ?? null, page.limit + 1],
  );
}

/** A conversation's messages, newest first. */
export async function listConversationMessages(
  q: Queryable,
  merchantId: string,
  conversationId: string,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<MessageRow[]> {
  return q.query<MessageRow>(
    `select * from whatsapp_messages where merchant_id = $1 and conversation_id = $2 and ($3::text is null or id < $3) order by id desc limit $4`,
    [merchantId, conversationId, page.startingAfter ?? null, page.limit + 1],
  );
}

/** The customer's latest inbound message with a wamid (what a read receipt names). */
export async function latestInbound(q: Queryable, merchantId: string, conversationId: string): Promise<MessageRow | undefined> {
  return (
    await q.query<MessageRow>(
      `select * from whatsapp_messages where merchant_id = $1 and conversation_id = $2 and direction = 'in' and wamid is not null order by id desc limit 1`,
      [merchantId, conversationId],
    )
  )[0];
}
