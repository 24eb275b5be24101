// Reading a stored reconciliation file: its bytes a chunk at a time, csv-parse's streaming
// parser fed in slices with a yield to the event loop between them, the rows a batch at a
// time. Memory holds one batch, never the file.
import { parse } from 'csv-parse';
import { domainError, type DomainError } from '../../domain/errors.ts';
import { CSV_OPTIONS, csvFailure, EMPTY_FILE, HEADER_ONLY, rowFailure, type ReportReader } from '../../domain/reconciliation/parse.ts';
import type { ReportRow } from '../../domain/reconciliation/report.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Db, Queryable } from '../../platform/store/db.ts';
import { getReportFile, getReportFileInfo, readFileChunk } from './reconciliation-files.repository.ts';

/** Report rows per batch: one read of our records and one insert of items each, short enough for PGlite's one connection. */
export const ROWS_PER_BATCH = 500;
/** Bytes handed to the CSV parser at once: its synchronous work between two yields to the event loop. */
const PARSE_SLICE = 64 * 1024;

/** Bytes per stored chunk of an upload. */
export const CHUNK_BYTES = 1024 * 1024;

/** A buffer in CHUNK_BYTES pieces (a whole report held in memory, stored like an upload). */
export function* slices(b: Buffer): Generator<Buffer> {
  for (let at = 0; at < b.length; at += CHUNK_BYTES) yield b.subarray(at, at + CHUNK_BYTES);
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

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

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
export async function readRows(
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
