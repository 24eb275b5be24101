// SQL of the WhatsApp Cloud API double: per-number settings, simulated customers,
// messages both ways, webhook events and their delivery attempts (the numbers and the
// business's catalog come through the host's port).
// Orders, payments and refunds are in wa-payments.repository.ts.
import type { WaChaos, WaCustomer, WaDelivery, WaEvent, WaMessage, WaMessageStatus, WaSettings } from './wa.types.ts';
import { identityOf } from './wa.types.ts';
import { waId } from './wa.types.ts';
import type { Queryable } from '../host.ts';

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export interface CatalogProduct {
  retailer_id: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  image_url: string | null;
  availability: string;
  /** Meta's product item id (a numeric string). */
  id: string;
}

/** The items put in a number's Meta catalog (PUT /sandbox/graph/catalog/{phone_number_id}), by retailer_id. */
export async function listCatalogItems(
  q: Queryable,
  catalogId: string,
  opts: { retailerIds?: readonly string[] | undefined; after?: string | undefined; limit: number },
): Promise<CatalogProduct[]> {
  return q.query<CatalogProduct>(
    `select retailer_id, name, description, price, currency, image_url, availability, id
       from sandbox_wa_catalog_items
      where catalog_id = $1 and ($2::text[] is null or retailer_id = any($2::text[])) and ($3::text is null or retailer_id > $3 collate "C")
      order by retailer_id collate "C" limit $4`,
    [catalogId, opts.retailerIds ?? null, opts.after ?? null, opts.limit],
  );
}

export interface CatalogItemInput {
  retailer_id: string;
  name: string;
  description?: string | null | undefined;
  price: number;
  currency: string;
  availability?: string | undefined;
  image_url?: string | null | undefined;
}

/** Puts items in the number's Meta catalog (by retailer_id: a second put replaces the item). */
export async function putCatalogItems(q: Queryable, catalogId: string, items: CatalogItemInput[], now: Date, replace: boolean): Promise<void> {
  if (replace) await q.query(`delete from sandbox_wa_catalog_items where catalog_id = $1`, [catalogId]);
  for (const [i, it] of items.entries()) {
    await q.query(
      `insert into sandbox_wa_catalog_items (catalog_id, retailer_id, id, name, description, price, currency, availability, image_url, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (catalog_id, retailer_id) do update set name = excluded.name, description = excluded.description, price = excluded.price,
         currency = excluded.currency, availability = excluded.availability, image_url = excluded.image_url`,
      [
        catalogId,
        it.retailer_id,
        String(2000000000000000 + now.getTime() * 1000 + i),
        it.name,
        it.description ?? null,
        it.price,
        it.currency,
        it.availability ?? 'in stock',
        it.image_url ?? null,
        now,
      ],
    );
  }
}

// ---- settings (also the per-number send lock)

export async function ensureSettings(q: Queryable, phoneNumberId: string): Promise<void> {
  await q.query(`insert into sandbox_wa_settings (phone_number_id) values ($1) on conflict do nothing`, [phoneNumberId]);
}

export async function getSettings(q: Queryable, phoneNumberId: string, forUpdate = false): Promise<WaSettings | undefined> {
  return (await q.query<WaSettings>(`select * from sandbox_wa_settings where phone_number_id = $1${forUpdate ? ' for update' : ''}`, [phoneNumberId]))[0];
}

/** Serialises the sends of one number until the transaction ends; returns its settings. */
export async function lockNumber(q: Queryable, phoneNumberId: string): Promise<WaSettings> {
  await ensureSettings(q, phoneNumberId);
  return (await getSettings(q, phoneNumberId, true))!;
}

export async function setChaos(q: Queryable, phoneNumberId: string, chaos: WaChaos, now: Date): Promise<void> {
  await ensureSettings(q, phoneNumberId);
  await q.query(`update sandbox_wa_settings set chaos = $2, updated_at = $3 where phone_number_id = $1`, [phoneNumberId, JSON.stringify(chaos), now]);
}

/** Sets one template's status ("name:language"); APPROVED removes the override. */
export async function setTemplateStatus(
  q: Queryable,
  phoneNumberId: string,
  key: string,
  v: { status: string; reason: string | null },
  now: Date,
): Promise<void> {
  await ensureSettings(q, phoneNumberId);
  await q.query(
    `update sandbox_wa_settings set template_statuses = case when $3::text = 'APPROVED' then template_statuses - $2::text
       else template_statuses || jsonb_build_object($2::text, jsonb_build_object('status', $3::text, 'reason', $4::text)) end, updated_at = $5
     where phone_number_id = $1`,
    [phoneNumberId, key, v.status, v.reason, now],
  );
}

/** null sends webhooks to chatcart's own /webhooks/whatsapp again. */
export async function setWebhookUrl(q: Queryable, phoneNumberId: string, url: string | null, now: Date): Promise<void> {
  await ensureSettings(q, phoneNumberId);
  await q.query(`update sandbox_wa_settings set webhook_url = $2, updated_at = $3 where phone_number_id = $1`, [phoneNumberId, url, now]);
}

// ---- customers

export async function getCustomer(q: Queryable, phoneNumberId: string, wa: string): Promise<WaCustomer | undefined> {
  return (await q.query<WaCustomer>(`select * from sandbox_wa_customers where phone_number_id = $1 and wa_id = $2`, [phoneNumberId, wa]))[0];
}

/** The customer wrote: remember the name and open (refresh) the 24-hour window. */
export async function touchCustomerInbound(
  q: Queryable,
  phoneNumberId: string,
  wa: string,
  name: string | null,
  at: Date,
  who: { bsuid: string; username: string | null } = { bsuid: identityOf(phoneNumberId, wa).bsuid, username: null },
): Promise<WaCustomer> {
  return (
    await q.query<WaCustomer>(
      `insert into sandbox_wa_customers (phone_number_id, wa_id, name, last_inbound_at, created_at, bsuid, username) values ($1, $2, $3, $4, $4, $5, $6)
       on conflict (phone_number_id, wa_id) do update set name = coalesce(excluded.name, sandbox_wa_customers.name), last_inbound_at = excluded.last_inbound_at,
         bsuid = excluded.bsuid, username = coalesce(excluded.username, sandbox_wa_customers.username)
       returning *`,
      [phoneNumberId, wa, name, at, who.bsuid, who.username],
    )
  )[0]!;
}

/** The person a BSUID names (sending with `recipient`). */
export async function getCustomerByBsuid(q: Queryable, phoneNumberId: string, bsuid: string): Promise<WaCustomer | undefined> {
  return (await q.query<WaCustomer>(`select * from sandbox_wa_customers where phone_number_id = $1 and bsuid = $2`, [phoneNumberId, bsuid]))[0];
}

export async function setPairBucket(q: Queryable, phoneNumberId: string, wa: string, tokens: number, at: Date): Promise<void> {
  await q.query(
    `insert into sandbox_wa_customers (phone_number_id, wa_id, pair_tokens, pair_refilled_at, created_at) values ($1, $2, $3, $4, $4)
     on conflict (phone_number_id, wa_id) do update set pair_tokens = excluded.pair_tokens, pair_refilled_at = excluded.pair_refilled_at`,
    [phoneNumberId, wa, tokens, at],
  );
}

// ---- messages

export type NewMessage = Omit<WaMessage, 'seq' | 'updated_at'>;

export async function insertMessage(q: Queryable, m: NewMessage): Promise<WaMessage> {
  return (
    await q.query<WaMessage>(
      `insert into sandbox_wa_messages (wamid, phone_number_id, wa_id, direction, type, body, status, error, reference_id, pricing, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) returning *`,
      [
        m.wamid,
        m.phone_number_id,
        m.wa_id,
        m.direction,
        m.type,
        JSON.stringify(m.body),
        m.status,
        json(m.error),
        m.reference_id,
        json(m.pricing),
        m.created_at,
      ],
    )
  )[0]!;
}

export async function getMessage(q: Queryable, wamid: string): Promise<WaMessage | undefined> {
  return (await q.query<WaMessage>(`select * from sandbox_wa_messages where wamid = $1`, [wamid]))[0];
}

const RANK: Record<WaMessageStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };
const RANK_SQL = `(case status when 'accepted' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 4 end)`;

/** Moves a message forward only (a late `delivered` never undoes `read`); undefined when it did not move. */
export async function advanceMessage(q: Queryable, wamid: string, status: WaMessageStatus, error: unknown, now: Date): Promise<WaMessage | undefined> {
  return (
    await q.query<WaMessage>(
      `update sandbox_wa_messages set status = $2, error = coalesce($3::jsonb, error), updated_at = $4
        where wamid = $1 and ${RANK_SQL} < $5 returning *`,
      [wamid, status, json(error), now, RANK[status]],
    )
  )[0];
}

/** Outbound messages accepted for the number since `since` (the sliding throughput window). */
export async function countOutboundSince(q: Queryable, phoneNumberId: string, since: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `select count(*)::int as n from sandbox_wa_messages where phone_number_id = $1 and direction = 'outbound' and created_at > $2`,
    [phoneNumberId, since],
  );
  return rows[0]?.n ?? 0;
}

/** Oldest first. */
export async function listConversation(q: Queryable, phoneNumberId: string, wa: string, limit: number): Promise<WaMessage[]> {
  const rows = await q.query<WaMessage>(`select * from sandbox_wa_messages where phone_number_id = $1 and wa_id = $2 order by seq desc limit $3`, [
    phoneNumberId,
    wa,
    limit,
  ]);
  return rows.reverse();
}

/** Marks the customer's messages up to `wamid` as read by the business (blue ticks on the phone). */
export async function markInboundRead(q: Queryable, m: Pick<WaMessage, 'phone_number_id' | 'wa_id' | 'seq'>, now: Date): Promise<void> {
  await q.query(
    `update sandbox_wa_messages set status = 'read', updated_at = $4
      where phone_number_id = $1 and wa_id = $2 and direction = 'inbound' and seq <= $3 and status <> 'read'`,
    [m.phone_number_id, m.wa_id, m.seq, now],
  );
}

/** Outbound messages the customer has received but not read yet. */
export async function listUnread(q: Queryable, phoneNumberId: string, wa: string): Promise<WaMessage[]> {
  return q.query<WaMessage>(
    `select * from sandbox_wa_messages where phone_number_id = $1 and wa_id = $2 and direction = 'outbound'
        and status in ('sent', 'delivered') order by seq`,
    [phoneNumberId, wa],
  );
}

// ---- webhook events and deliveries

export async function insertEvent(q: Queryable, e: Omit<WaEvent, 'id' | 'field'> & { field?: string }): Promise<WaEvent> {
  return (
    await q.query<WaEvent>(
      `insert into sandbox_wa_events (id, phone_number_id, value, inbound_wamid, batch_key, field, created_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [waId('swe'), e.phone_number_id, JSON.stringify(e.value), e.inbound_wamid, e.batch_key, e.field ?? 'messages', e.created_at],
    )
  )[0]!;
}

export async function getEvents(q: Queryable, by: { ids: string[] } | { batchKey: string }): Promise<WaEvent[]> {
  if ('ids' in by) {
    if (by.ids.length === 0) return [];
    return q.query<WaEvent>(`select * from sandbox_wa_events where id = any($1::text[]) order by id`, [by.ids]);
  }
  return q.query<WaEvent>(`select * from sandbox_wa_events where batch_key = $1 order by id`, [by.batchKey]);
}

export async function insertDelivery(q: Queryable, d: Omit<WaDelivery, 'id'>): Promise<void> {
  await q.query(
    `insert into sandbox_wa_deliveries (id, phone_number_id, event_ids, url, status_code, error, attempted_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [waId('swd'), d.phone_number_id, JSON.stringify(d.event_ids), d.url, d.status_code, d.error === null ? null : d.error.slice(0, 2000), d.attempted_at],
  );
}

/** Newest first. */
export async function listDeliveries(q: Queryable, phoneNumberId: string, limit: number): Promise<WaDelivery[]> {
  return q.query<WaDelivery>(`select * from sandbox_wa_deliveries where phone_number_id = $1 order by id desc limit $2`, [phoneNumberId, limit]);
}

/** After our webhook accepted a customer's message: two grey ticks on the phone. */
export async function markInboundDelivered(q: Queryable, wamids: string[], now: Date): Promise<void> {
  if (wamids.length === 0) return;
  await q.query(
    `update sandbox_wa_messages set status = 'delivered', updated_at = $2 where wamid = any($1::text[]) and direction = 'inbound' and status = 'sent'`,
    [wamids, now],
  );
}
