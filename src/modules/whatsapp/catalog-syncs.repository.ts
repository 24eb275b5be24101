// SQL of catalog sync runs (imports of the merchant's Meta catalog), their report lines and
// the scheduled-import setting.
import type { Queryable } from '../../platform/store/db.ts';

export type SyncStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type SyncOutcome = 'created' | 'unchanged' | 'conflict' | 'skipped';

export interface CatalogSyncRow {
  id: string;
  merchant_id: string;
  direction: 'import';
  trigger: 'request' | 'schedule';
  status: SyncStatus;
  catalog_id: string;
  next_cursor: string | null;
  pages: number;
  seen: number;
  created: number;
  unchanged: number;
  conflicts: number;
  skipped: number;
  error: { code: number | string; title: string; message?: string } | null;
  requested_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface SyncItemRow {
  sync_id: string;
  merchant_id: string;
  retailer_id: string;
  outcome: SyncOutcome;
  product_id: string | null;
  meta_product_id: string | null;
  meta_price: string | null;
  meta_amount: number | null;
  meta_currency: string | null;
  our_price: number | null;
  our_currency: string | null;
  reason: string | null;
  seq: number;
}

/** A new run, or undefined when one is already queued or running for the merchant. */
export async function insertSync(
  q: Queryable,
  r: Pick<CatalogSyncRow, 'id' | 'merchant_id' | 'trigger' | 'catalog_id' | 'requested_by'> & { now: Date },
): Promise<CatalogSyncRow | undefined> {
  return (
    await q.query<CatalogSyncRow>(
      `insert into catalog_syncs (id, merchant_id, direction, trigger, status, catalog_id, requested_by, created_at, updated_at)
       values ($1, $2, 'import', $3, 'queued', $4, $5, $6, $6)
       on conflict (merchant_id) where status in ('queued', 'running') do nothing returning *`,
      [r.id, r.merchant_id, r.trigger, r.catalog_id, r.requested_by, r.now],
    )
  )[0];
}

export async function getSync(q: Queryable, merchantId: string, id: string, forUpdate = false): Promise<CatalogSyncRow | undefined> {
  return (
    await q.query<CatalogSyncRow>(`select * from catalog_syncs where merchant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export async function getActiveSync(q: Queryable, merchantId: string): Promise<CatalogSyncRow | undefined> {
  return (await q.query<CatalogSyncRow>(`select * from catalog_syncs where merchant_id = $1 and status in ('queued', 'running')`, [merchantId]))[0];
}

export async function listSyncs(q: Queryable, merchantId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<CatalogSyncRow[]> {
  return q.query<CatalogSyncRow>(`select * from catalog_syncs where merchant_id = $1 and ($2::text is null or id < $2) order by id desc limit $3`, [
    merchantId,
    page.startingAfter ?? null,
    page.limit + 1,
  ]);
}

/** After a page: its counts added, the cursor of the next page (null: done). */
export async function advanceSync(
  q: Queryable,
  id: string,
  d: { seen: number; created: number; unchanged: number; conflicts: number; skipped: number; nextCursor: string | null; now: Date },
): Promise<void> {
  await q.query(
    `update catalog_syncs set status = 'running', started_at = coalesce(started_at, $8), pages = pages + 1, seen = seen + $2, created = created + $3,
       unchanged = unchanged + $4, conflicts = conflicts + $5, skipped = skipped + $6, next_cursor = $7, updated_at = $8
     where id = $1`,
    [id, d.seen, d.created, d.unchanged, d.conflicts, d.skipped, d.nextCursor, d.now],
  );
}

export async function finishSync(q: Queryable, id: string, status: 'succeeded' | 'failed', error: CatalogSyncRow['error'], now: Date): Promise<void> {
  await q.query(
    `update catalog_syncs set status = $2, error = $3, next_cursor = null, started_at = coalesce(started_at, $4), finished_at = $4, updated_at = $4 where id = $1`,
    [id, status, error ? JSON.stringify(error) : null, now],
  );
}

/** A report line; false when the run already has one for this retailer_id (Meta repeated it). */
export async function insertSyncItem(q: Queryable, it: SyncItemRow): Promise<boolean> {
  const rows = await q.query(
    `insert into catalog_sync_items (sync_id, merchant_id, retailer_id, outcome, product_id, meta_product_id, meta_price, meta_amount, meta_currency,
       our_price, our_currency, reason, seq)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict do nothing returning sync_id`,
    [
      it.sync_id,
      it.merchant_id,
      it.retailer_id,
      it.outcome,
      it.product_id,
      it.meta_product_id,
      it.meta_price,
      it.meta_amount,
      it.meta_currency,
      it.our_price,
      it.our_currency,
      it.reason,
      it.seq,
    ],
  );
  return rows.length > 0;
}

/** The lines of a run with one of these outcomes, in the order Meta listed them. */
export async function listSyncItems(q: Queryable, merchantId: string, syncId: string, outcomes: SyncOutcome[], limit: number): Promise<SyncItemRow[]> {
  return q.query<SyncItemRow>(`select * from catalog_sync_items where merchant_id = $1 and sync_id = $2 and outcome = any($3::text[]) order by seq limit $4`, [
    merchantId,
    syncId,
    outcomes,
    limit,
  ]);
}

// ---- the scheduled import

export interface SyncSettingsRow {
  merchant_id: string;
  scheduled_import: boolean;
  interval_hours: number;
  updated_at: Date;
}

export async function getSyncSettings(q: Queryable, merchantId: string): Promise<SyncSettingsRow | undefined> {
  return (await q.query<SyncSettingsRow>(`select * from catalog_sync_settings where merchant_id = $1`, [merchantId]))[0];
}

export async function putSyncSettings(
  q: Queryable,
  merchantId: string,
  s: { scheduled_import: boolean; interval_hours: number },
  now: Date,
): Promise<SyncSettingsRow> {
  return (
    await q.query<SyncSettingsRow>(
      `insert into catalog_sync_settings (merchant_id, scheduled_import, interval_hours, updated_at) values ($1, $2, $3, $4)
       on conflict (merchant_id) do update set scheduled_import = excluded.scheduled_import, interval_hours = excluded.interval_hours, updated_at = excluded.updated_at
       returning *`,
      [merchantId, s.scheduled_import, s.interval_hours, now],
    )
  )[0]!;
}

/** Merchants whose scheduled import is due: enabled, none active, the last run older than the interval. */
export async function listDueScheduledImports(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const rows = await q.query<{ merchant_id: string }>(
    `select s.merchant_id from catalog_sync_settings s
      where s.scheduled_import
        and not exists (select 1 from catalog_syncs c where c.merchant_id = s.merchant_id
                          and (c.status in ('queued', 'running') or c.created_at > $1::timestamptz - make_interval(hours => s.interval_hours)))
      order by s.merchant_id limit $2`,
    [now, limit],
  );
  return rows.map((r) => r.merchant_id);
}
