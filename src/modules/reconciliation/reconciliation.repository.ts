// Reconciliation runs, their items and stored report files; and the reads of our own
// payments, refunds and ledger fees a report is matched against. Items are written in
// batches through unnest() so a 100,000-row report is a few statements, not 100,000.
import type { Category, MatchItem, OurDispute, OurPayment, OurRefund, Period, Totals } from '../../domain/reconciliation/report.ts';
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

/** Stores a report's text once per merchant and hash (a second upload of it writes nothing). */
export async function saveReportFile(q: Queryable, f: { merchantId: string; sha256: string; content: string; now: Date }): Promise<void> {
  await q.query(`insert into reconciliation_files (merchant_id, sha256, size_bytes, content, created_at) values ($1, $2, $3, $4, $5) on conflict do nothing`, [
    f.merchantId,
    f.sha256,
    Buffer.byteLength(f.content),
    f.content,
    f.now,
  ]);
}

/** One piece of an upload, as received (a chunk may end inside a UTF-8 character). */
export async function insertFileChunk(q: Queryable, c: { uploadId: string; seq: number; merchantId: string; data: Uint8Array; now: Date }): Promise<void> {
  await q.query(`insert into reconciliation_file_chunks (upload_id, seq, merchant_id, data, created_at) values ($1, $2, $3, $4, $5)`, [
    c.uploadId,
    c.seq,
    c.merchantId,
    c.data,
    c.now,
  ]);
}

/** Drops an upload's chunks (a duplicate of a stored file, or an upload that failed). */
export async function deleteUpload(q: Queryable, merchantId: string, uploadId: string): Promise<void> {
  await q.query(`delete from reconciliation_file_chunks where merchant_id = $1 and upload_id = $2`, [merchantId, uploadId]);
}

/** Stores a chunked upload as the file of this hash; false when the merchant already has that file (the caller drops the chunks). */
export async function saveChunkedFile(q: Queryable, f: { merchantId: string; sha256: string; size: number; uploadId: string; now: Date }): Promise<boolean> {
  const rows = await q.query(
    `insert into reconciliation_files (merchant_id, sha256, size_bytes, content, upload_id, created_at) values ($1, $2, $3, null, $4, $5)
     on conflict do nothing returning sha256`,
    [f.merchantId, f.sha256, f.size, f.uploadId, f.now],
  );
  return rows.length === 1;
}

/** Where a stored file's bytes are: its text (files stored before chunking) or the upload its chunks belong to. */
export async function getReportFileInfo(
  q: Queryable,
  merchantId: string,
  sha256: string,
): Promise<{ size_bytes: number; upload_id: string | null; has_text: boolean } | undefined> {
  return (
    await q.query<{ size_bytes: number; upload_id: string | null; has_text: boolean }>(
      `select size_bytes, upload_id, content is not null as has_text from reconciliation_files where merchant_id = $1 and sha256 = $2`,
      [merchantId, sha256],
    )
  )[0];
}

/** Chunk `seq` of an upload, or undefined past its last. */
export async function readFileChunk(q: Queryable, merchantId: string, uploadId: string, seq: number): Promise<Buffer | undefined> {
  const r = (
    await q.query<{ data: Uint8Array }>(`select data from reconciliation_file_chunks where merchant_id = $1 and upload_id = $2 and seq = $3`, [
      merchantId,
      uploadId,
      seq,
    ])
  )[0];
  return r ? Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) : undefined;
}

/** Chunks of uploads that never became a file (a request cut off, a crash) older than `before`. */
export async function purgeOrphanChunks(q: Queryable, before: Date): Promise<number> {
  return (
    await q.query(
      `delete from reconciliation_file_chunks c where c.created_at < $1
         and not exists (select 1 from reconciliation_files f where f.merchant_id = c.merchant_id and f.upload_id = c.upload_id) returning 1`,
      [before],
    )
  ).length;
}

export async function getReportFile(q: Queryable, merchantId: string, sha256: string): Promise<string | undefined> {
  return (await q.query<{ content: string }>(`select content from reconciliation_files where merchant_id = $1 and sha256 = $2`, [merchantId, sha256]))[0]
    ?.content;
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

type PaymentTuple = [string, string | null, string | null, string | null, string, number, string, string | null];

/**
 * Captures by provider payment id and by our reference id, as one JSON array: on PGlite,
 * 100,000 result rows cost seconds of protocol decoding, one JSON value a fraction of that.
 * Joins with unnest() (hash or index nested loop), never `= any(array)` over many values.
 */
async function paymentsWhere(q: Queryable, merchantId: string, provider: string, ids: string[], refs: string[]): Promise<PaymentTuple[]> {
  const cols = `pp.provider_payment_id, pp.payment_id, pp.order_id, coalesce(p.reference_id, pp.reference_id) as reference_id, pp.status, pp.amount, pp.currency, pp.captured_at`;
  const [r] = await q.query<{ j: PaymentTuple[] }>(
    `select coalesce(json_agg(json_build_array(t.provider_payment_id, t.payment_id, t.order_id, t.reference_id, t.status, t.amount, t.currency, t.captured_at)), '[]') as j from (
       select ${cols}
         from unnest($3::text[]) x(v) join provider_payments pp on pp.merchant_id = $1 and pp.provider = $2 and pp.provider_payment_id = x.v
         left join payments p on p.id = pp.payment_id
       union all
       select ${cols}
         from unnest($4::text[]) x(v) join payments p on p.merchant_id = $1 and p.reference_id = x.v
         join provider_payments pp on pp.payment_id = p.id and pp.merchant_id = $1 and pp.provider = $2) t`,
    [merchantId, provider, ids, refs],
  );
  return r!.j;
}

/**
 * The captures a report is matched against: those it names (by provider payment id or
 * reference id) and those captured inside its period, which it should name. The period's
 * ids come back alone (one narrow JSON array) and only the ones the report does not name
 * are fetched in full.
 */
export async function loadOurPayments(
  q: Queryable,
  merchantId: string,
  provider: string,
  ids: string[],
  refs: string[],
  period: Period | null,
): Promise<OurPayment[]> {
  const rows = ids.length || refs.length ? await paymentsWhere(q, merchantId, provider, ids, refs) : [];
  if (period) {
    const [p] = await q.query<{ j: string[] }>(
      `select coalesce(json_agg(provider_payment_id), '[]') as j from provider_payments where merchant_id = $1 and provider = $2 and captured_at between $3 and $4`,
      [merchantId, provider, period.from, period.to],
    );
    const named = new Set(rows.map((r) => r[0]));
    const unnamed = p!.j.filter((id) => !named.has(id));
    if (unnamed.length) rows.push(...(await paymentsWhere(q, merchantId, provider, unnamed, [])));
  }
  const seen = new Set<string>();
  const out: OurPayment[] = [];
  for (const [providerPaymentId, paymentId, orderId, referenceId, status, amount, currency, capturedAt] of rows) {
    if (seen.has(providerPaymentId)) continue;
    seen.add(providerPaymentId);
    out.push({
      providerPaymentId,
      paymentId,
      orderId,
      referenceId,
      status,
      amount: Number(amount),
      currency,
      capturedAt: capturedAt === null ? null : new Date(capturedAt),
    });
  }
  return out;
}

/**
 * A page of our captures of this provider inside the period, by provider payment id after
 * `after` (the import job walks them for the ones the report does not name).
 */
export async function periodPaymentsPage(
  q: Queryable,
  merchantId: string,
  provider: string,
  period: Period,
  after: string,
  limit: number,
): Promise<OurPayment[]> {
  const [p] = await q.query<{ j: string[] }>(
    `select coalesce(json_agg(provider_payment_id order by provider_payment_id), '[]') as j from (
       select provider_payment_id from provider_payments where merchant_id = $1 and provider = $2 and captured_at between $3 and $4 and provider_payment_id > $5
        order by provider_payment_id limit $6) t`,
    [merchantId, provider, period.from, period.to, after, limit],
  );
  if (!p!.j.length) return [];
  const byId = new Map((await loadOurPayments(q, merchantId, provider, p!.j, [], null)).map((x) => [x.providerPaymentId, x]));
  return p!.j.map((id) => byId.get(id)).filter((x): x is OurPayment => x !== undefined);
}

/** Refunds the report names, and those that succeeded inside its period. */
export async function loadOurRefunds(q: Queryable, merchantId: string, provider: string, refundIds: string[], period: Period | null): Promise<OurRefund[]> {
  const rows = await q.query<{
    id: string;
    provider_refund_id: string | null;
    provider_payment_id: string | null;
    payment_id: string;
    order_id: string;
    amount: number;
    currency: string;
    status: string;
    updated_at: Date;
  }>(
    `select r.id, r.provider_refund_id, coalesce(r.provider_payment_id, p.provider_payment_id) as provider_payment_id, r.payment_id, r.order_id, r.amount, r.currency, r.status, r.updated_at
       from refunds r join payments p on p.id = r.payment_id
      where r.merchant_id = $1 and coalesce(r.provider, p.provider) = $2
        and r.id in (select r2.id from refunds r2 join unnest($3::text[]) x(v) on r2.provider_refund_id = x.v where r2.merchant_id = $1
                     union
                     select r3.id from refunds r3 where r3.merchant_id = $1 and r3.status = 'succeeded' and r3.updated_at between $4 and $5)`,
    [merchantId, provider, refundIds, period?.from ?? null, period?.to ?? null],
  );
  return rows.map((r) => ({
    refundId: r.id,
    providerRefundId: r.provider_refund_id,
    providerPaymentId: r.provider_payment_id,
    paymentId: r.payment_id,
    orderId: r.order_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    updatedAt: new Date(r.updated_at),
  }));
}

/**
 * The fee our ledger holds per provider payment (provider_fees plus provider_fee_tax
 * postings), or null when this database has no ledger tables to ask.
 */
export async function ledgerFees(q: Queryable, merchantId: string, provider: string, ids: string[]): Promise<Map<string, number> | null> {
  const [t] = await q.query<{ t: string | null }>(`select to_regclass('ledger_postings')::text as t`);
  if (!t?.t) return null;
  const rows = await q.query<{ provider_payment_id: string; fee: number }>(
    `select lt.provider_payment_id, sum(lp.amount)::bigint as fee
       from ledger_transactions lt join unnest($3::text[]) x(v) on lt.provider_payment_id = x.v join ledger_postings lp on lp.transaction_id = lt.id
      where lt.merchant_id = $1 and lt.provider = $2 and lp.account in ('provider_fees', 'provider_fee_tax')
      group by lt.provider_payment_id`,
    [merchantId, provider, ids],
  );
  return new Map(rows.map((r) => [r.provider_payment_id, Number(r.fee)]));
}

/** Our disputes a report's dispute rows name, by provider dispute id or by provider payment id. */
export async function loadOurDisputes(q: Queryable, merchantId: string, provider: string, disputeIds: string[], paymentIds: string[]): Promise<OurDispute[]> {
  if (!disputeIds.length && !paymentIds.length) return [];
  const rows = await q.query<{
    provider_dispute_id: string;
    provider_payment_id: string | null;
    order_id: string | null;
    payment_id: string | null;
    amount: number | null;
    currency: string | null;
    status: string;
  }>(
    `select provider_dispute_id, provider_payment_id, order_id, payment_id, amount, currency, status from disputes
      where merchant_id = $1 and provider = $2 and (provider_dispute_id = any($3::text[]) or provider_payment_id = any($4::text[]))
      order by id`,
    [merchantId, provider, disputeIds, paymentIds],
  );
  return rows.map((r) => ({
    providerDisputeId: r.provider_dispute_id,
    providerPaymentId: r.provider_payment_id,
    orderId: r.order_id,
    paymentId: r.payment_id,
    amount: r.amount === null ? null : Number(r.amount),
    currency: r.currency,
    status: r.status,
  }));
}
