// Issue 10 item 2: a reconciliation upload must not stall every tenant. The upload is streamed
// into the database and answered 202 with an `importing` run before any item exists; a job
// reads the stored file with the streaming parser, a batch at a time, and the run shows its
// progress; a multi-MiB file is imported without ever holding it in memory (live heap measured
// after forced collections, never a time); a job that runs again after a crash starts over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILIATION_IMPORT_JOB } from '../../src/modules/reconciliation/index.ts';
import { runImports } from '../support/reconcile.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-recon-job-'));
}, 120_000);
afterAll(async () => {
  await s?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,order_receipt,method';
const row = (i: number) =>
  `pay_job_${String(i).padStart(8, '0')},payment,0,9800,10000,INR,200,30,false,true,${1772323200 + i},${1772409600 + i},setl_job,utr_job,REF-JOB-${i},upi`;

/** A Razorpay report of at least `bytes` bytes written to disk, a line at a time; returns its path and rows. */
function reportFile(name: string, bytes: number): { file: string; rows: number } {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  let size = 0;
  let rows = 0;
  let buf = `${HEADER}\n`;
  while (size + buf.length < bytes) {
    rows++;
    buf += `${row(rows)}\n`;
    if (buf.length > 64 * 1024) {
      fs.writeSync(fd, buf);
      size += buf.length;
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return { file, rows };
}

/** POSTs a file from disk as text/csv, streamed (the test never holds it either). */
async function uploadFile(file: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.base}/v1/reconciliations?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.demoKey}`, 'content-type': 'text/csv', 'content-length': String(fs.statSync(file).size) },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}

const importJobs = async () =>
  s.ctx.db.query<{ status: string; payload: { run_id: string } }>(`select status, payload from jobs where kind = $1 order by created_at`, [
    RECONCILIATION_IMPORT_JOB,
  ]);

describe('reconciliation imports run in a job', () => {
  it('answers 202 with an importing run before any item exists; the job imports it and the run shows its progress', async () => {
    const { file, rows } = reportFile('small.csv', 300 * 1024);
    const r = await uploadFile(file, 'format=razorpay&provider=sandbox&file_name=small.csv');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      status: 'importing',
      row_count: 0,
      failure: null,
      completed_at: null,
      progress: { bytes_read: 0, bytes_total: fs.statSync(file).size, rows_read: 0, items_imported: 0 },
    });
    expect((await s.api(`/v1/reconciliations/${r.body.id}/items`)).body.data).toEqual([]);
    expect((await importJobs()).filter((j) => j.payload.run_id === r.body.id).map((j) => j.status)).toEqual(['queued']);

    expect(await runImports(s)).toBe(1);
    const done = (await s.api(`/v1/reconciliations/${r.body.id}`)).body;
    expect(done).toMatchObject({
      status: 'mismatches',
      row_count: rows,
      failure: null,
      progress: { bytes_read: fs.statSync(file).size, bytes_total: fs.statSync(file).size, rows_read: rows, items_imported: rows },
    });
    expect(done.totals.missing_here.count).toBe(rows);
    expect(done.completed_at).toEqual(expect.any(String));
    const items = (await s.api(`/v1/reconciliations/${r.body.id}/items?limit=3`)).body.data;
    expect(items.map((i: any) => [i.id, i.line, i.provider_payment_id])).toEqual([
      [`${r.body.id}:1`, 2, 'pay_job_00000001'],
      [`${r.body.id}:2`, 3, 'pay_job_00000002'],
      [`${r.body.id}:3`, 4, 'pay_job_00000003'],
    ]);
  }, 120_000);

  it('a job that runs again (a crash after some batches) starts over and writes each item once', async () => {
    const { file, rows } = reportFile('again.csv', 250 * 1024);
    const r = await uploadFile(file, 'format=razorpay&provider=sandbox&file_name=again.csv');
    expect(r.status).toBe(202);
    await runImports(s);
    // As if the worker had died after the items and before the end: back to importing, the job queued again.
    await s.ctx.db.query(`update reconciliation_runs set status = 'importing', completed_at = null where id = $1`, [r.body.id]);
    await s.ctx.db.query(`update jobs set status = 'queued', run_at = $3 where kind = $1 and payload->>'run_id' = $2`, [
      RECONCILIATION_IMPORT_JOB,
      r.body.id,
      new Date(s.ctx.clock.now().getTime() - 1000),
    ]);
    expect(await runImports(s)).toBe(1);
    const done = (await s.api(`/v1/reconciliations/${r.body.id}`)).body;
    expect(done).toMatchObject({ status: 'mismatches', row_count: rows, progress: { items_imported: rows } });
    const [n] = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from reconciliation_items where run_id = $1`, [r.body.id]);
    expect(n!.n).toBe(rows);
  }, 120_000);

  it('a multi-MiB file is uploaded and imported in bounded memory: live heap growth stays far below the file size', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      return v8.getHeapStatistics().used_heap_size;
    };
    const MiB = 1024 * 1024;
    const { file, rows } = reportFile('big.csv', 8 * MiB);
    const size = fs.statSync(file).size;
    const base = live();
    let peak = base;
    let samples = 0;
    // Sampled between the import's batches (each one yields to the event loop): a synchronous
    // import would leave no room for a sample, so the samples are counted too.
    const sampler = setInterval(() => {
      samples++;
      peak = Math.max(peak, live());
    }, 500);
    try {
      const r = await uploadFile(file, 'format=razorpay&provider=sandbox&file_name=big.csv');
      expect(r.status).toBe(202);
      peak = Math.max(peak, live());
      await runImports(s);
      peak = Math.max(peak, live());
      const done = (await s.api(`/v1/reconciliations/${r.body.id}`)).body;
      expect(done).toMatchObject({ status: 'mismatches', row_count: rows, progress: { bytes_read: size, items_imported: rows } });
    } finally {
      clearInterval(sampler);
    }
    const growth = peak - base;
    console.log(
      `reconciliation import of ${(size / MiB).toFixed(1)} MiB (${rows} rows): live heap growth at most ${(growth / MiB).toFixed(1)} MiB over ${samples} samples`,
    );
    expect(samples).toBeGreaterThanOrEqual(5);
    // The whole file as a string alone would be its size; parsed records several times that.
    expect(growth).toBeLessThan(size / 2);
  }, 600_000);
});
