// The raw WhatsApp webhook inbox and the items split out of each body.
import type { Queryable } from '../../platform/store/db.ts';

export interface InboxRow {
  id: string;
  body: string;
  received_at: Date;
  status: 'received' | 'processed' | 'failed';
  note: string | null;
  processed_at: Date | null;
}

export interface ItemRow {
  dedupe_key: string;
  inbox_id: string;
  phone_number_id: string | null;
  merchant_id: string | null;
  kind: string;
  item: Record<string, unknown>;
  status: 'received' | 'processed' | 'unroutable' | 'ignored' | 'failed' | 'refused';
  note: string | null;
  created_at: Date;
  processed_at: Date | null;
}

/** Many bodies in one statement: concurrent deliveries share one commit. */
export async function insertInboxRows(q: Queryable, rows: { id: string; body: string; now: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  const params: unknown[] = [];
  const values = rows.map((r) => {
    params.push(r.id, r.body, r.now);
    return `($${params.length - 2}, $${params.length - 1}, $${params.length})`;
  });
  await q.query(`insert into whatsapp_inbox (id, body, received_at) values ${values.join(', ')}`, params);
}

export async function getInboxRow(q: Queryable, id: string): Promise<InboxRow | undefined> {
  return (await q.query<InboxRow>(`select * from whatsapp_inbox where id = $1`, [id]))[0];
}

export async function markInboxRow(q: Queryable, id: string, status: InboxRow['status'], note: string | null, now: Date): Promise<void> {
  await q.query(`update whatsapp_inbox set status = $2, note = $3, processed_at = $4 where id = $1`, [id, status, note, now]);
}

export interface NewItem {
  dedupeKey: string;
  inboxId: string;
  phoneNumberId: string | null;
  merchantId: string | null;
  kind: string;
  item: unknown;
  /** 'refused' (with its reason in note) for an item set aside before it is applied. */
  status?: 'received' | 'refused';
  note?: string | null;
  now: Date;
}

/** Inserts the items that are new; a redelivered item (same dedupe key) is skipped. */
export async function insertItems(q: Queryable, items: NewItem[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < items.length; i += CHUNK) {
    const params: unknown[] = [];
    const values = items.slice(i, i + CHUNK).map((it) => {
      params.push(
        it.dedupeKey,
        it.inboxId,
        it.phoneNumberId,
        it.merchantId,
        it.kind,
        JSON.stringify(it.item),
        it.now,
        it.status ?? 'received',
        it.note ?? null,
      );
      const b = params.length - 9;
      return `(${Array.from({ length: 9 }, (_, k) => `$${b + k + 1}`).join(', ')})`;
    });
    await q.query(
      `insert into whatsapp_items (dedupe_key, inbox_id, phone_number_id, merchant_id, kind, item, created_at, status, note)
       values ${values.join(', ')} on conflict (dedupe_key) do nothing`,
      params,
    );
  }
}

/** The items of a body still to process (new ones, and ones that waited for a retry). */
export async function pendingItems(q: Queryable, inboxId: string): Promise<ItemRow[]> {
  return q.query<ItemRow>(`select * from whatsapp_items where inbox_id = $1 and status = 'received' order by created_at, dedupe_key`, [inboxId]);
}

export async function lockItem(q: Queryable, dedupeKey: string): Promise<ItemRow | undefined> {
  return (await q.query<ItemRow>(`select * from whatsapp_items where dedupe_key = $1 for update`, [dedupeKey]))[0];
}

export async function markItem(q: Queryable, dedupeKey: string, status: ItemRow['status'], note: string | null, now: Date): Promise<void> {
  await q.query(`update whatsapp_items set status = $2, note = $3, processed_at = $4 where dedupe_key = $1`, [dedupeKey, status, note, now]);
}

/** Sets aside an item still waiting to be applied, with the reason; false when it was no longer waiting. */
export async function refuseItem(q: Queryable, dedupeKey: string, note: string, now: Date): Promise<boolean> {
  const rows = await q.query(
    `update whatsapp_items set status = 'refused', note = $2, processed_at = $3 where dedupe_key = $1 and status = 'received' returning dedupe_key`,
    [dedupeKey, note, now],
  );
  return rows.length > 0;
}

/** The bodies of a job still to process, in one statement. */
export async function getReceivedInboxRows(q: Queryable, ids: string[]): Promise<InboxRow[]> {
  return q.query<InboxRow>(`select * from whatsapp_inbox where id = any($1::text[]) and status = 'received' order by id`, [ids]);
}

/** Marks many bodies in one statement. */
export async function markInboxRows(q: Queryable, rows: { id: string; status: InboxRow['status']; note: string | null }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `update whatsapp_inbox b set status = v.status, note = v.note, processed_at = $1
       from (select unnest($2::text[]) as id, unnest($3::text[]) as status, unnest($4::text[]) as note) v
      where b.id = v.id`,
    [now, rows.map((r) => r.id), rows.map((r) => r.status), rows.map((r) => r.note)],
  );
}

/** The items of many bodies still to process. */
export async function pendingItemsOf(q: Queryable, inboxIds: string[]): Promise<ItemRow[]> {
  return q.query<ItemRow>(`select * from whatsapp_items where inbox_id = any($1::text[]) and status = 'received' order by created_at, dedupe_key`, [inboxIds]);
}

/**
 * Locks the items still waiting among `keys`, in key order (one lock order for every worker);
 * an item another worker holds is skipped: that worker applies it.
 */
export async function lockReceivedItems(q: Queryable, keys: string[]): Promise<ItemRow[]> {
  return q.query<ItemRow>(
    `select * from whatsapp_items where dedupe_key = any($1::text[]) and status = 'received' order by dedupe_key for update skip locked`,
    [keys],
  );
}

/** Marks many items in one statement. */
export async function markItems(q: Queryable, rows: { key: string; status: ItemRow['status']; note: string | null }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `update whatsapp_items i set status = v.status, note = v.note, processed_at = $1
       from (select unnest($2::text[]) as key, unnest($3::text[]) as status, unnest($4::text[]) as note) v
      where i.dedupe_key = v.key`,
    [now, rows.map((r) => r.key), rows.map((r) => r.status), rows.map((r) => r.note)],
  );
}
