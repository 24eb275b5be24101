// Reconciliation runs and their items (stored files: reconciliation-files.repository.ts; our
// records a report is matched against: reconciliation-records.repository.ts). Items are written
// in batches through unnest() so a 100,000-row report is a few statements, not 100,000.
import type { Category, MatchItem, Period, Totals } from '../../domain/reconciliation/report.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { emptyTotals } from '../../domain/reconciliation/match.ts';

const emptyTotalsJson = emptyTotals();

export interface RunRow {
  id: string;
  merchant_id: string;
  file_sha256: string;
  settings_hash: string;
  version: number;
  rerun_of: string | null;
  format: string;
  provider: string;
  settings: Record<string, unknown>;
  file_name: string | null;
  period_start: Date | null;
  period_end: Date | null;
  status: RunStatus;
  row_count: number;
  totals: Totals;
  bytes_total: number;
  bytes_read: number;
  items_imported: number;
  failure_reason: string | null;
  failure_line: number | null;
  completed_at: Date | null;
  created_at: Date;
}

export type RunStatus = 'importing' | 'clean' | 'mismatches' | 'failed';

export interface ItemRow {
  run_id: string;
  seq: number;
  category: Category;
  kind: string;
  line: number | null;
  provider_payment_id: string | null;
  provider_refund_id: string | null;
  reference_id: string | null;
  order_id: string | null;
  payment_id: string | null;
  refund_id: string | null;
  currency: string;
  expected_amount: number | null;
  actual_amount: number | null;
  expected_fee: number | null;
  actual_fee: number | null;
  amount: number;
  note: string | null;
}

/** The newest run of this file read with these settings. */
export async function findLatestRun(q: Queryable, merchantId: string, sha256: string, settingsHash: string): Promise<RunRow | undefined> {
  return (
    await q.query<RunRow>(
      `select * from reconciliation_runs where merchant_id = $1 and file_sha256 = $2 and settings_hash = $3 order by version desc limit 1`,
      [merchantId, sha256, settingsHash],
    )
  )[0];
}

/** Inserts a run; undefined when a concurrent request already inserted this version (the caller returns that one). */
export type NewRun = Omit<RunRow, 'created_at' | 'bytes_read' | 'items_imported' | 'failure_reason' | 'failure_line' | 'completed_at'> & { now: Date };

export async function insertRun(q: Queryable, r: NewRun): Promise<RunRow | undefined> {
  return (
    await q.query<RunRow>(
      `insert into reconciliation_runs (id, merchant_id, file_sha256, settings_hash, version, rerun_of, format, provider, settings, file_name, period_start, period_end, status, row_count, totals, created_at, bytes_total)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       on conflict (merchant_id, file_sha256, settings_hash, version) do nothing returning *`,
      [
        r.id,
        r.merchant_id,
        r.file_sha256,
        r.settings_hash,
        r.version,
        r.rerun_of,
        r.format,
        r.provider,
        JSON.stringify(r.settings),
        r.file_name,
        r.period_start,
        r.period_end,
        r.status,
        r.row_count,
        JSON.stringify(r.totals),
        r.now,
        r.bytes_total,
      ],
    )
  )[0];
}

const BATCH = 10_000;

/** Writes items numbered from `firstSeq` (the import job writes a run's items batch by batch). */
export async function insertItems(q: Queryable, runId: string, merchantId: string, items: readonly MatchItem[], firstSeq = 1): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH);
    const col = <T>(f: (i: MatchItem) => T) => batch.map(f);
    await q.query(
      `insert into reconciliation_items (run_id, merchant_id, seq, category, kind, line, provider_payment_id, provider_refund_id, reference_id, order_id, payment_id, refund_id,
         currency, expected_amount, actual_amount, expected_fee, actual_fee, amount, note)
       select $1, $2, * from unnest($3::int[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
         $13::text[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::text[])`,
      [
        runId,
        merchantId,
        batch.map((_, i) => firstSeq + start + i),
        col((i) => i.category),
        col((i) => i.kind),
        col((i) => i.line),
        col((i) => i.providerPaymentId),
        col((i) => i.providerRefundId),
        col((i) => i.referenceId),
        col((i) => i.orderId),
        col((i) => i.paymentId),
        col((i) => i.refundId),
        col((i) => i.currency),
        col((i) => i.expectedAmount),
        col((i) => i.actualAmount),
        col((i) => i.expectedFee),
        col((i) => i.actualFee),
        col((i) => i.amount),
        col((i) => i.note),
      ],
    );
  }
}

/** Back to the start of an import (a job that runs again after a crash): no items, no progress. */
export async function resetRunImport(q: Queryable, runId: string): Promise<void> {
  await q.query(`delete from reconciliation_items where run_id = $1`, [runId]);
  await q.query(`update reconciliation_runs set bytes_read = 0, items_imported = 0, row_count = 0, totals = $2 where id = $1 and status = 'importing'`, [
    runId,
    JSON.stringify(emptyTotalsJson),
  ]);
}

/** The import's progress, and the totals of the items written so far. */
export async function updateRunProgress(
  q: Queryable,
  runId: string,
  p: { bytesRead: number; itemsImported: number; rowCount: number; totals: Totals },
): Promise<void> {
  await q.query(`update reconciliation_runs set bytes_read = $2, items_imported = $3, row_count = $4, totals = $5 where id = $1 and status = 'importing'`, [
    runId,
    p.bytesRead,
    p.itemsImported,
    p.rowCount,
    JSON.stringify(p.totals),
  ]);
}

/** Appends a note to an item (a payout booked for the settlement its line closes). */
export async function appendItemNote(q: Queryable, runId: string, seq: number, text: string): Promise<void> {
  await q.query(`update reconciliation_items set note = case when note is null then $3 else note || '; ' || $3 end where run_id = $1 and seq = $2`, [
    runId,
    seq,
    text,
  ]);
}

/** The end of an import: clean or mismatches, its totals and period. */
export async function completeRun(
  q: Queryable,
  runId: string,
  r: { status: 'clean' | 'mismatches'; totals: Totals; rowCount: number; itemsImported: number; bytesRead: number; period: Period | null; now: Date },
): Promise<RunRow | undefined> {
  return (
    await q.query<RunRow>(
      `update reconciliation_runs set status = $2, totals = $3, row_count = $4, items_imported = $5, bytes_read = $6, period_start = $7, period_end = $8, completed_at = $9
        where id = $1 and status = 'importing' returning *`,
      [runId, r.status, JSON.stringify(r.totals), r.rowCount, r.itemsImported, r.bytesRead, r.period?.from ?? null, r.period?.to ?? null, r.now],
    )
  )[0];
}

/** A refused file: no items, the reason (naming the line) on the run. */
export async function failRun(q: Queryable, runId: string, f: { reason: string; line: number | null; totals: Totals; now: Date }): Promise<void> {
  await q.query(`delete from reconciliation_items where run_id = $1`, [runId]);
  await q.query(
    `update reconciliation_runs set status = 'failed', failure_reason = $2, failure_line = $3, totals = $4, items_imported = 0, completed_at = $5
      where id = $1 and status = 'importing'`,
    [runId, f.reason.slice(0, 2000), f.line, JSON.stringify(f.totals), f.now],
  );
}

export async function getRun(q: Queryable, merchantId: string, id: string): Promise<RunRow | undefined> {
  return (await q.query<RunRow>(`select * from reconciliation_runs where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

export async function nextRunVersion(q: Queryable, merchantId: string, sha256: string, settingsHash: string): Promise<number> {
  const r = await q.query<{ v: number }>(
    `select coalesce(max(version), 0) + 1 as v from reconciliation_runs where merchant_id = $1 and file_sha256 = $2 and settings_hash = $3`,
    [merchantId, sha256, settingsHash],
  );
  return Number(r[0]!.v);
}

/** Runs, newest first. */
export async function listRuns(q: Queryable, merchantId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<RunRow[]> {
  return q.query<RunRow>(`select * from reconciliation_runs where merchant_id = $1 and ($2::text is null or id < $2) order by id desc limit $3`, [
    merchantId,
    page.startingAfter ?? null,
    page.limit + 1,
  ]);
}

/** A run's items in report order (our records the report lacks come last). */
export async function listItems(
  q: Queryable,
  merchantId: string,
  runId: string,
  f: { category?: string | undefined },
  page: { limit: number; afterSeq?: number | undefined },
): Promise<ItemRow[]> {
  // The extra `category <> 'matched'` lets the planner use the partial index of exceptions.
  const filter = f.category === undefined ? '' : f.category === 'matched' ? `and category = 'matched'` : `and category = $5 and category <> 'matched'`;
  return q.query<ItemRow>(`select * from reconciliation_items where run_id = $1 and merchant_id = $2 ${filter} and seq > $3 order by seq limit $4`, [
    runId,
    merchantId,
    page.afterSeq ?? 0,
    page.limit + 1,
    ...(filter.includes('$5') ? [f.category] : []),
  ]);
}
