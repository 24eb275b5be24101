// Reconciliation use cases. An import is two steps: the request stores the file (streamed in
// chunks) and creates a run that is `importing`, with a job; the job reads the stored file
// with the streaming CSV parser, a batch of rows at a time (our records for those rows, the
// matching, the items: statements that stand alone, no transaction held across a batch), and ends the run `clean`,
// `mismatches` or `failed` with the reason. A rerun is a new version of a run, imported the
// same way. Memory holds one batch of rows, plus what matching needs across batches (the
// provider payment ids already seen: see ReportMatcher), never the file.
//
// Idempotent on the file: the same bytes with the same settings (format, provider,
// amount unit, mapping, period) return the newest existing run instead of a new one.
import crypto from 'node:crypto';
import { parse } from 'csv-parse';
import { domainError, type DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { GenericMapping } from '../../domain/reconciliation/format.generic.ts';
import { addToTotals, emptyTotals, isClean, ReportMatcher } from '../../domain/reconciliation/match.ts';
import { PayoutCollector } from '../../domain/reconciliation/payouts.ts';
import {
  CSV_OPTIONS,
  csvFailure,
  DEFAULT_PROVIDER,
  EMPTY_FILE,
  HEADER_ONLY,
  reportReader,
  rowFailure,
  type ReportReader,
} from '../../domain/reconciliation/parse.ts';
import type { AmountUnit, MatchItem, OurPayment, Period, ReportFormat, ReportRow } from '../../domain/reconciliation/report.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { enqueueJob, type JobRow } from '../../platform/jobs/jobs.repository.ts';
import type { Db, Queryable, Tx } from '../../platform/store/db.ts';
import {
  appendItemNote,
  completeRun,
  deleteUpload,
  failRun,
  findLatestRun,
  getReportFile,
  getReportFileInfo,
  getRun,
  insertFileChunk,
  insertItems,
  insertRun,
  ledgerFees,
  loadOurDisputes,
  loadOurPayments,
  loadOurRefunds,
  nextRunVersion,
  periodPaymentsPage,
  purgeOrphanChunks,
  readFileChunk,
  resetRunImport,
  saveChunkedFile,
  updateRunProgress,
  type RunRow,
} from './reconciliation.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';
import { recordPayout, recordProviderFee } from '../ledger/index.ts';

export const IMPORT_JOB = 'reconciliation.import';
/** Report rows per batch: one read of our records and one insert of items each, short enough for PGlite's one connection. */
export const ROWS_PER_BATCH = 500;
/** Bytes per stored chunk of an upload. */
export const CHUNK_BYTES = 1024 * 1024;
/** Bytes handed to the CSV parser at once: its synchronous work between two yields to the event loop. */
const PARSE_SLICE = 64 * 1024;

export interface ReportSettingsInput {
  format: ReportFormat;
  provider?: string | undefined;
  amountUnit?: AmountUnit | undefined;
  mapping?: GenericMapping | undefined;
  /** The span the report covers; by default from its earliest to its latest dated row. */
  period?: { from: Date; to: Date } | undefined;
  /** Book the report's fees the ledger does not hold yet (recordProviderFee, idempotent per payment). */
  applyFees?: boolean | undefined;
  /** Book fees (as applyFees) and the report's payouts (recordPayout, idempotent per settlement). */
  apply?: boolean | undefined;
  /** A capture older than this many days the provider still holds back is `unsettled` (default 3). */
  settlementDays?: number | undefined;
}

export interface ReportInput extends ReportSettingsInput {
  fileName?: string | undefined;
  csv: string;
}

export interface Settings {
  format: ReportFormat;
  provider: string;
  amount_unit: AmountUnit | null;
  mapping: GenericMapping | null;
  period: { from: string; to: string } | null;
  apply_fees?: boolean;
  apply?: boolean;
  settlement_days?: number;
}

export const DEFAULT_SETTLEMENT_DAYS = 3;
const DAY_MS = 24 * 3600_000;

const PROVIDER_NAME = /^[a-z0-9_-]{1,32}$/;
const canonical = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : JSON.stringify(v ?? null);

/** The run's settings, checked before any byte of the file is read. */
export function importSettings(input: ReportSettingsInput): Result<Settings> {
  const provider = input.provider ?? DEFAULT_PROVIDER[input.format];
  if (!provider)
    return err(
      domainError('validation_error', 'a generic report needs provider (the provider its payments were made with, e.g. sandbox, razorpay, stripe)', {
        path: 'provider',
      }),
    );
  if (!PROVIDER_NAME.test(provider)) return err(domainError('validation_error', 'provider must be 1 to 32 of a-z 0-9 _ -', { path: 'provider' }));
  if (input.format !== 'generic' && input.mapping) return err(domainError('validation_error', 'a mapping is only for format=generic', { path: 'mapping' }));
  const p = input.period;
  const days = input.settlementDays;
  if (days !== undefined && !(Number.isSafeInteger(days) && days >= 0 && days <= 365))
    return err(domainError('validation_error', 'settlement_days must be a whole number of days from 0 to 365', { path: 'settlement_days' }));
  if (p && !(p.from <= p.to)) return err(domainError('validation_error', 'period_from must not be after period_to', { path: 'period_from' }));
  const settings: Settings = {
    format: input.format,
    provider,
    amount_unit: input.amountUnit ?? null,
    mapping: input.mapping ?? null,
    period: p ? { from: p.from.toISOString(), to: p.to.toISOString() } : null,
    // Only when set, so that the settings (and their hash) of plain runs stay as they were.
    ...(input.applyFees ? { apply_fees: true } : {}),
    ...(input.apply ? { apply: true } : {}),
    ...(days !== undefined && days !== DEFAULT_SETTLEMENT_DAYS ? { settlement_days: days } : {}),
  };
  // A generic report without a usable mapping can read no file: refused now, not in the job.
  const reader = readerFor(settings);
  return reader.ok ? ok(settings) : reader;
}

const readerFor = (s: Settings): Result<ReportReader> =>
  reportReader({ format: s.format, provider: s.provider, amountUnit: s.amount_unit ?? undefined, mapping: s.mapping ?? undefined });

export interface StoredUpload {
  uploadId: string;
  sha256: string;
  size: number;
}

/**
 * Streams an upload into the database in chunks of CHUNK_BYTES, hashing it on the way.
 * Refused (and its chunks dropped) when it passes `limit` bytes or is empty.
 */
export async function storeUpload(
  ctx: AppContext,
  merchantId: string,
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  limit: number,
): Promise<Result<StoredUpload>> {
  const uploadId = newId('upl');
  const hash = crypto.createHash('sha256');
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await insertFileChunk(ctx.db, { uploadId, seq: ++seq, merchantId, data, now: ctx.clock.now() });
  };
  try {
    for await (const piece of source) {
      const buf = typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      size += buf.length;
      if (size > limit) {
        await deleteUpload(ctx.db, merchantId, uploadId);
        return err(domainError('payload_too_large', `The request body is larger than ${limit} bytes`));
      }
      hash.update(buf);
      for (let at = 0; at < buf.length; ) {
        const take = Math.min(buf.length - at, CHUNK_BYTES - pendingBytes);
        pending.push(at === 0 && take === buf.length ? buf : buf.subarray(at, at + take));
        pendingBytes += take;
        at += take;
        if (pendingBytes === CHUNK_BYTES) await flush();
      }
    }
    await flush();
  } catch (e) {
    await deleteUpload(ctx.db, merchantId, uploadId).catch((cleanup) => ctx.log.warn({ err: cleanup }, 'could not drop the chunks of a failed upload'));
    throw e;
  }
  if (size === 0) return err(domainError('validation_error', 'the body is empty: send the report as CSV text'));
  return ok({ uploadId, sha256: hash.digest('hex'), size });
}

/**
 * A new run for a stored upload, `importing`, with its job (created); or, for a file already
 * imported with the same settings, its newest run (the upload's chunks are dropped).
 */
export async function createImportRun(
  ctx: AppContext,
  merchantId: string,
  settings: Settings,
  upload: StoredUpload,
  fileName: string | null,
): Promise<{ run: RunRow; created: boolean }> {
  const settingsHash = sha256(canonical(settings));
  return inTransaction(ctx, async (tx) => {
    const existing = await findLatestRun(tx, merchantId, upload.sha256, settingsHash);
    if (existing) {
      await deleteUpload(tx, merchantId, upload.uploadId);
      return { run: existing, created: false };
    }
    const stored = await saveChunkedFile(tx, { merchantId, sha256: upload.sha256, size: upload.size, uploadId: upload.uploadId, now: ctx.clock.now() });
    // The merchant has these bytes already (read with other settings): that copy is the file.
    if (!stored) await deleteUpload(tx, merchantId, upload.uploadId);
    const run = await startRun(ctx, tx, merchantId, {
      fileHash: upload.sha256,
      settingsHash,
      settings,
      version: 1,
      rerunOf: null,
      fileName,
      size: upload.size,
    });
    // A concurrent upload of the same file won the insert: answer with its run.
    if (!run) return { run: (await findLatestRun(tx, merchantId, upload.sha256, settingsHash))!, created: false };
    return { run, created: true };
  });
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** A whole report held in memory (a JSON body's csv field), stored and imported like an upload. */
export async function importReport(ctx: AppContext, merchantId: string, input: ReportInput): Promise<Result<{ run: RunRow; created: boolean }>> {
  const settings = importSettings(input);
  if (!settings.ok) return settings;
  const bytes = Buffer.from(input.csv);
  const stored = await storeUpload(ctx, merchantId, slices(bytes), Number.POSITIVE_INFINITY);
  if (!stored.ok) return stored;
  return ok(await createImportRun(ctx, merchantId, settings.value, stored.value, input.fileName ?? null));
}

function* slices(b: Buffer): Generator<Buffer> {
  for (let at = 0; at < b.length; at += CHUNK_BYTES) yield b.subarray(at, at + CHUNK_BYTES);
}

/** Matches a run's stored report again against today's data, as the next version (importing, with its job). */
export async function rerunReport(ctx: AppContext, tx: Tx, merchantId: string, runId: string): Promise<Result<RunRow>> {
  const prior = await getRun(tx, merchantId, runId);
  if (!prior) return err(domainError('not_found', `No reconciliation run ${runId}`));
  const file = await getReportFileInfo(tx, merchantId, prior.file_sha256);
  if (!file) return err(domainError('not_found', `The report file of ${runId} is no longer stored`));
  const version = await nextRunVersion(tx, merchantId, prior.file_sha256, prior.settings_hash);
  const run = await startRun(ctx, tx, merchantId, {
    fileHash: prior.file_sha256,
    settingsHash: prior.settings_hash,
    settings: prior.settings as unknown as Settings,
    version,
    rerunOf: prior.id,
    fileName: prior.file_name,
    size: Number(file.size_bytes),
  });
  if (!run) return err(domainError('conflict', `Run ${runId} is being rerun by another request; list the runs and retry`));
  ctx.jobsEnqueued();
  return ok(run);
}

async function startRun(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  r: { fileHash: string; settingsHash: string; settings: Settings; version: number; rerunOf: string | null; fileName: string | null; size: number },
): Promise<RunRow | undefined> {
  const s = r.settings;
  const run = await insertRun(tx, {
    id: newId('rec'),
    merchant_id: merchantId,
    file_sha256: r.fileHash,
    settings_hash: r.settingsHash,
    version: r.version,
    rerun_of: r.rerunOf,
    format: s.format,
    provider: s.provider,
    settings: s as unknown as Record<string, unknown>,
    file_name: r.fileName,
    period_start: s.period ? new Date(s.period.from) : null,
    period_end: s.period ? new Date(s.period.to) : null,
    status: 'importing',
    row_count: 0,
    totals: emptyTotals(),
    bytes_total: r.size,
    now: ctx.clock.now(),
  });
  if (run)
    await enqueueJob(tx, {
      kind: IMPORT_JOB,
      merchantId,
      payload: { run_id: run.id },
      runAt: ctx.clock.now(),
      maxAttempts: 5,
      dedupeKey: `${IMPORT_JOB}:${run.id}`,
    });
  return run;
}

/** The stored file's bytes, a chunk at a time (a file stored before chunking: its text, in slices). */
async function* fileBytes(db: Queryable, merchantId: string, sha: string): AsyncGenerator<Buffer> {
  const info = await getReportFileInfo(db, merchantId, sha);
  if (!info) throw new FileGone();
  if (info.upload_id === null || info.has_text) {
    const text = await getReportFile(db, merchantId, sha);
    if (text === undefined) throw new FileGone();
    yield* slices(Buffer.from(text));
    return;
  }
  for (let seq = 1; ; seq++) {
    const chunk = await readFileChunk(db, merchantId, info.upload_id, seq);
    if (!chunk) return;
    yield chunk;
  }
}

class FileGone extends Error {
  constructor() {
    super('the report file is no longer stored');
  }
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * The file's records through csv-parse's streaming parser, fed PARSE_SLICE bytes at a time
 * with backpressure: the parser never holds more than a slice and a few records.
 */
async function* csvRecords(source: AsyncIterable<Buffer>, progress: { bytes: number }): AsyncGenerator<CsvRecord> {
  const parser = parse(CSV_OPTIONS);
  // Errors reach the consumer through the iterator; this listener only keeps an error
  // emitted while nobody iterates from being an uncaught exception.
  parser.on('error', () => {});
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done);
        parser.off('close', done);
        resolve();
      };
      parser.on('drain', done);
      parser.on('close', done);
    });
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        for (let at = 0; at < chunk.length; at += PARSE_SLICE) {
          if (parser.destroyed) return;
          const slice = chunk.subarray(at, at + PARSE_SLICE);
          progress.bytes += slice.length;
          if (!parser.write(slice)) await drained();
        }
      }
      if (!parser.destroyed) parser.end();
    } catch (e) {
      parser.destroy(e as Error);
    }
  })();
  try {
    for await (const r of parser) yield r as CsvRecord;
  } finally {
    if (!parser.destroyed) parser.destroy();
    await feeding;
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A failure of the file itself (csv-parse's CSV_… errors, a bad row): the run fails; anything else is retried by the job. */
function fileFailure(e: unknown): DomainError | undefined {
  if (e instanceof FileGone) return domainError('not_found', e.message);
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('CSV_')) {
    const r = csvFailure(e);
    return r.ok ? undefined : r.error;
  }
  try {
    const r = rowFailure(e);
    return r.ok ? undefined : r.error;
  } catch {
    return undefined;
  }
}

/**
 * Reads every row of the file through the reader, a batch at a time; `onBatch` gets each
 * full batch (and the last). Resolves with the refusal when the file is bad.
 */
async function readRows(
  db: Db,
  merchantId: string,
  sha: string,
  reader: ReportReader,
  progress: { bytes: number },
  onBatch: (rows: ReportRow[]) => Promise<void>,
): Promise<Result<{ rows: number }>> {
  let records = 0;
  let rows = 0;
  let batch: ReportRow[] = [];
  try {
    for await (const { record, info } of csvRecords(fileBytes(db, merchantId, sha), progress)) {
      records++;
      // A NUL cannot be stored as text (UTF-8 decoding never yields a lone surrogate).
      for (const cell of record)
        if (cell.includes('\u0000'))
          return err(domainError('validation_error', `line ${info.lines}: a cell must not contain U+0000 (NUL)`, { line: info.lines }));
      if (records === 1) {
        const h = reader.header(record, info.lines);
        if (!h.ok) return h;
        continue;
      }
      const row = reader.row(record, info.lines);
      if (!row) continue;
      rows++;
      batch.push(row);
      if (batch.length >= ROWS_PER_BATCH) {
        await onBatch(batch);
        batch = [];
      }
    }
  } catch (e) {
    const refusal = fileFailure(e);
    if (refusal) return err(refusal);
    throw e;
  }
  if (records === 0) return err(domainError('validation_error', EMPTY_FILE, { line: 1 }));
  if (records === 1) return err(domainError('validation_error', HEADER_ONLY, { line: 1 }));
  if (batch.length) await onBatch(batch);
  return ok({ rows });
}

/** Our records a batch of rows names, for the matcher. */
async function recordsFor(tx: Queryable, merchantId: string, provider: string, rows: readonly ReportRow[]) {
  const ids = new Set<string>();
  const refundIds = new Set<string>();
  const disputeIds = new Set<string>();
  const disputedPayments = new Set<string>();
  for (const row of rows) {
    if (row.providerPaymentId) ids.add(row.providerPaymentId);
    if (row.providerRefundId) refundIds.add(row.providerRefundId);
    if (row.kind === 'dispute') {
      if (row.disputeId) disputeIds.add(row.disputeId);
      if (row.providerPaymentId) disputedPayments.add(row.providerPaymentId);
    }
  }
  const payments: OurPayment[] = ids.size ? await loadOurPayments(tx, merchantId, provider, [...ids], [], null) : [];
  // The reference id is the fallback: asked only for payment rows whose provider id we do not know.
  const known = new Set(payments.map((p) => p.providerPaymentId));
  const refs = new Set<string>();
  for (const row of rows)
    if (row.kind === 'payment' && row.referenceId && !(row.providerPaymentId && known.has(row.providerPaymentId))) refs.add(row.referenceId);
  if (refs.size) for (const p of await loadOurPayments(tx, merchantId, provider, [], [...refs], null)) if (!known.has(p.providerPaymentId)) payments.push(p);
  const refunds = refundIds.size ? await loadOurRefunds(tx, merchantId, provider, [...refundIds], null) : [];
  const fees = await ledgerFees(
    tx,
    merchantId,
    provider,
    payments.map((p) => p.providerPaymentId),
  );
  const disputes = await loadOurDisputes(tx, merchantId, provider, [...disputeIds], [...disputedPayments]);
  return { payments, refunds, fees, disputes };
}

/**
 * The job: imports a run's stored file. Runs again from the start after a crash (the run's
 * items are dropped first; fees and payouts are booked idempotently). A bad file ends the
 * run `failed` with the reason; with apply or apply_fees the file is read once through
 * first, so that a bad line near its end books nothing.
 */
export async function importRun(ctx: AppContext, merchantId: string, runId: string): Promise<void> {
  const run = await getRun(ctx.db, merchantId, runId);
  if (!run || run.status !== 'importing') return;
  const s = run.settings as unknown as Settings;
  const fail = async (e: DomainError) => {
    const line = (e.details as { line?: unknown } | undefined)?.line;
    await ctx.db.transaction((tx) =>
      failRun(tx, runId, { reason: e.message, line: typeof line === 'number' ? line : null, totals: emptyTotals(), now: ctx.clock.now() }),
    );
    ctx.log.info({ run: runId, reason: e.message }, 'reconciliation import failed: the file was refused');
  };
  const reader = readerFor(s);
  if (!reader.ok) return fail(reader.error);
  await ctx.db.transaction((tx) => resetRunImport(tx, runId));

  const applyFees = s.apply_fees || s.apply;
  if (applyFees) {
    const checked = await readRows(ctx.db, merchantId, run.file_sha256, reader.value, { bytes: 0 }, async () => {
      await yieldToLoop();
    });
    if (!checked.ok) return fail(checked.error);
  }

  const unsettledBefore = new Date(ctx.clock.now().getTime() - (s.settlement_days ?? DEFAULT_SETTLEMENT_DAYS) * DAY_MS);
  const matcher = new ReportMatcher(unsettledBefore);
  const payouts = s.apply ? new PayoutCollector(s.format) : null;
  const totals = emptyTotals();
  const progress = { bytes: 0 };
  let seq = 0;
  let rowCount = 0;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const store = async (q: Queryable, items: MatchItem[]) => {
    await insertItems(q, runId, merchantId, items, seq + 1);
    seq += items.length;
    addToTotals(totals, items);
  };
  // No transaction around a batch: each statement stands alone, so on PGlite (one connection)
  // another request waits behind one statement at most, never a whole batch. A crash in the
  // middle is safe: the job starts the run over.
  const read = await readRows(ctx.db, merchantId, run.file_sha256, reader.value, progress, async (rows) => {
    const items = matcher.rows(rows, await recordsFor(ctx.db, merchantId, s.provider, rows));
    if (applyFees) await ctx.db.transaction((tx) => bookUnknownFees(ctx, tx, merchantId, s.provider, rows, items));
    rows.forEach((row, i) => {
      payouts?.add(row, seq + i + 1);
      const t = row.occurredAt?.getTime();
      if (t !== undefined) {
        if (t < from) from = t;
        if (t > to) to = t;
      }
    });
    rowCount += rows.length;
    await store(ctx.db, items);
    await updateRunProgress(ctx.db, runId, { bytesRead: progress.bytes, itemsImported: seq, rowCount, totals });
    await yieldToLoop();
  });
  if (!read.ok) return fail(read.error);

  // Our captures and refunds inside the period that the report did not name.
  const period: Period | null = s.period
    ? { from: new Date(s.period.from), to: new Date(s.period.to) }
    : from === Number.POSITIVE_INFINITY
      ? null
      : { from: new Date(from), to: new Date(to) };
  if (period) {
    for (let after = ''; ; ) {
      const page = await periodPaymentsPage(ctx.db, merchantId, s.provider, period, after, ROWS_PER_BATCH);
      if (!page.length) break;
      after = page[page.length - 1]!.providerPaymentId;
      await store(ctx.db, matcher.leftovers(page, [], period));
      await updateRunProgress(ctx.db, runId, { bytesRead: progress.bytes, itemsImported: seq, rowCount, totals });
      await yieldToLoop();
    }
  }
  await ctx.db.transaction(async (tx) => {
    if (period) await store(tx, matcher.leftovers([], await loadOurRefunds(tx, merchantId, s.provider, [], period), period));
    if (payouts) await bookPayouts(ctx, tx, merchantId, s.provider, runId, payouts);
    await completeRun(tx, runId, {
      status: isClean(totals) ? 'clean' : 'mismatches',
      totals,
      rowCount,
      itemsImported: seq,
      bytesRead: progress.bytes,
      period,
      now: ctx.clock.now(),
    });
  });
}

/** Uploads kept this long without becoming a file (a request cut off mid-body, a crash) are dropped. */
export const ORPHAN_UPLOAD_MS = 24 * 3600_000;

/** Drops the chunks of uploads that never became a file (maintenance). */
export async function purgeOrphanUploads(ctx: AppContext, now: Date): Promise<number> {
  return purgeOrphanChunks(ctx.db, new Date(now.getTime() - ORPHAN_UPLOAD_MS));
}

/** The job handlers of this module. */
export function reconciliationJobHandlers(ctx: AppContext) {
  return {
    [IMPORT_JOB]: async (job: JobRow) => {
      const runId = String(job.payload.run_id);
      try {
        await importRun(ctx, job.merchant_id!, runId);
      } catch (e) {
        // The last attempt: the run must not stay `importing` for ever (the CLI waits for it).
        if (job.attempts >= job.max_attempts) {
          const reason = `the import failed after ${job.attempts} attempts: ${e instanceof Error ? e.message : String(e)}`;
          await ctx.db.transaction((tx) => failRun(tx, runId, { reason, line: null, totals: emptyTotals(), now: ctx.clock.now() }));
        }
        throw e;
      }
    },
  };
}

/**
 * For matched payments whose fee the ledger does not hold, books the report's fee (and its
 * tax, when stated) with the report row's time. A fee the ledger already holds is never
 * changed here: a different one is a fee_mismatch to look at, not to overwrite.
 */
async function bookUnknownFees(ctx: AppContext, tx: Tx, merchantId: string, provider: string, rows: readonly ReportRow[], items: MatchItem[]): Promise<void> {
  const byLine = new Map(rows.map((r) => [r.line, r]));
  for (const item of items) {
    if (item.category !== 'matched' || item.kind !== 'payment' || item.expectedFee !== null || !item.actualFee || !item.providerPaymentId || item.line === null)
      continue;
    const row = byLine.get(item.line)!;
    if (!row.feeStated) continue;
    const tax = row.tax > 0 && row.tax <= row.fee ? { tax: row.tax } : {};
    const booked = await recordProviderFee(tx, {
      merchantId,
      provider,
      providerPaymentId: item.providerPaymentId,
      orderId: item.orderId,
      fee: row.fee,
      ...tax,
      currency: row.currency,
      eventAt: row.occurredAt ?? ctx.clock.now(),
      now: ctx.clock.now(),
      source: 'reconciliation',
    });
    item.note = booked.ok ? `fee ${row.fee} booked to the ledger` : `fee not booked: ${booked.error.message}`;
    if (booked.ok) item.expectedFee = row.fee;
  }
}

/**
 * Books the report's payouts (recordPayout, idempotent per settlement id): Razorpay's from
 * its settled rows grouped by settlement_id, other formats' from their payout rows. Each
 * payout's note goes on the item of the line that states (or closes) it.
 */
async function bookPayouts(ctx: AppContext, tx: Tx, merchantId: string, provider: string, runId: string, payouts: PayoutCollector): Promise<void> {
  for (const p of payouts.payouts()) {
    const note = async (text: string) => {
      if (p.ref !== undefined) await appendItemNote(tx, runId, p.ref, text);
    };
    if (p.amount <= 0) {
      await note(`settlement ${p.settlementId} nets ${p.amount}: no payout booked`);
      continue;
    }
    const booked = await recordPayout(tx, {
      merchantId,
      provider,
      settlementId: p.settlementId,
      amount: p.amount,
      currency: p.currency,
      eventAt: p.eventAt ?? ctx.clock.now(),
      now: ctx.clock.now(),
      ...(p.reference ? { reference: p.reference } : {}),
    });
    await note(
      !booked.ok
        ? `payout ${p.settlementId} not booked: ${booked.error.message}`
        : booked.value.created
          ? `payout ${p.settlementId} of ${p.amount} booked to the ledger`
          : `payout ${p.settlementId} already in the ledger`,
    );
  }
}
