// Stored reconciliation reports: a file per merchant and hash, its bytes in the chunks of the
// upload that brought it (or, for files stored before chunking, its text).
import type { Queryable } from '../../platform/store/db.ts';

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
