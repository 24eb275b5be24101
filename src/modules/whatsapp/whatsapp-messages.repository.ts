import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received' | 'skipped';

export interface MessageRow {
  id: string;
  merchant_id: string;
  phone_number_id: string;
  wa_id: string;
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
    'id' | 'merchant_id' | 'phone_number_id' | 'wa_id' | 'direction' | 'wamid' | 'type' | 'payload' | 'status' | 'order_id' | 'payment_id' | 'essential'
  > & { now: Date },
): Promise<MessageRow | undefined> {
  return (
    await q.query<MessageRow>(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, order_id, payment_id, essential, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
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
  patch: Partial<Pick<MessageRow, 'status' | 'wamid' | 'error' | 'sent_at' | 'payload' | 'type' | 'order_id'>>,
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

export interface ContactRow {
  merchant_id: string;
  wa_id: string;
  name: string | null;
  last_inbound_at: Date | null;
  opted_out_at: Date | null;
}

/** Records an inbound message: the window opens from the latest inbound time, never moving back. */
export async function touchContact(q: Queryable, c: { merchantId: string; waId: string; name: string | null; inboundAt: Date; now: Date }): Promise<void> {
  await q.query(
    `insert into whatsapp_contacts (merchant_id, wa_id, name, last_inbound_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)
     on conflict (merchant_id, wa_id) do update set name = coalesce(excluded.name, whatsapp_contacts.name),
       last_inbound_at = greatest(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at), updated_at = excluded.updated_at`,
    [c.merchantId, c.waId, c.name, c.inboundAt, c.now],
  );
}

export async function getContact(q: Queryable, merchantId: string, waId: string): Promise<ContactRow | undefined> {
  return (
    await q.query<ContactRow>(`select merchant_id, wa_id, name, last_inbound_at, opted_out_at from whatsapp_contacts where merchant_id = $1 and wa_id = $2`, [
      merchantId,
      waId,
    ])
  )[0];
}

export async function setOptOut(q: Queryable, merchantId: string, waId: string, optedOut: boolean, now: Date): Promise<void> {
  await q.query(
    `insert into whatsapp_contacts (merchant_id, wa_id, opted_out_at, created_at, updated_at) values ($1, $2, $3, $4, $4)
     on conflict (merchant_id, wa_id) do update set opted_out_at = excluded.opted_out_at, updated_at = excluded.updated_at`,
    [merchantId, waId, optedOut ? now : null, now],
  );
}

/**
 * Takes one token of a customer's pair-rate bucket (Meta limits messages to the same
 * recipient). Returns 0 when taken, else the milliseconds until one is available.
 */
export async function takePairToken(q: Queryable, merchantId: string, waId: string, o: { burst: number; perSecond: number; now: Date }): Promise<number> {
  await q.query(
    `insert into whatsapp_contacts (merchant_id, wa_id, pair_tokens, pair_refilled_at, created_at, updated_at) values ($1, $2, $3, $4, $4, $4)
     on conflict (merchant_id, wa_id) do nothing`,
    [merchantId, waId, o.burst, o.now],
  );
  const rows = await q.query<{ avail: number }>(
    `with cur as (
       select least($3::float8, coalesce(pair_tokens, $3::float8) + greatest(0, extract(epoch from ($5::timestamptz - coalesce(pair_refilled_at, $5::timestamptz)))) * $4::float8) as avail
         from whatsapp_contacts where merchant_id = $1 and wa_id = $2 for update)
     update whatsapp_contacts c set pair_tokens = case when cur.avail >= 1 then cur.avail - 1 else cur.avail end, pair_refilled_at = $5
       from cur where c.merchant_id = $1 and c.wa_id = $2
     returning cur.avail as avail`,
    [merchantId, waId, o.burst, o.perSecond, o.now],
  );
  const avail = Number(rows[0]?.avail ?? o.burst);
  return avail >= 1 ? 0 : Math.ceil(((1 - avail) / o.perSecond) * 1000);
}
