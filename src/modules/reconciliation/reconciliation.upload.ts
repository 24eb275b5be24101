// Storing a reconciliation upload and starting its run. The request streams the file into the
// database in chunks (hashed on the way) and creates a run that is `importing`, with its job
// (reconciliation.run.ts imports it). Idempotent on the file: the same bytes with the same
// settings return the newest existing run instead of a new one. A rerun is a new version of a
// run, imported the same way.
import crypto from 'node:crypto';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { emptyTotals } from '../../domain/reconciliation/match.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Tx } from '../../platform/store/db.ts';
import { findLatestRun, getRun, insertRun, nextRunVersion, type RunRow } from './reconciliation.repository.ts';
import { deleteUpload, getReportFileInfo, insertFileChunk, purgeOrphanChunks, saveChunkedFile } from './reconciliation-files.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';

import { CHUNK_BYTES, slices } from './reconciliation.read.ts';
import { canonical, importSettings, type ReportInput, type Settings } from './reconciliation.settings.ts';

export const IMPORT_JOB = 'reconciliation.import';

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

/** Uploads kept this long without becoming a file (a request cut off mid-body, a crash) are dropped. */
export const ORPHAN_UPLOAD_MS = 24 * 3600_000;

/** Drops the chunks of uploads that never became a file (maintenance). */
export async function purgeOrphanUploads(ctx: AppContext, now: Date): Promise<number> {
  return purgeOrphanChunks(ctx.db, new Date(now.getTime() - ORPHAN_UPLOAD_MS));
}
