// Does one big reconciliation upload stall every tenant? (issue 10 item 2) On each database, a
// BENCH_RECON_IMPORT_MIB (default 45) MiB Razorpay settlement report is streamed from disk as
// text/csv to POST /v1/reconciliations (202, the run `importing`), and the server's own job
// workers import it, as `chatcart start` runs. Meanwhile GET /healthz is asked again and again
// (one request at a time, 10 ms apart) until the run has ended; its latency p50 / p99 / max is
// printed, next to the same probe on the idle server just before (the anchor: what /healthz
// costs here without the import). Also: the upload's and the import's seconds, rows/s, and
// the process RSS before, at its peak during, and after the import. Numbers only: the goal is
// /healthz under 100 ms during the import (before: up to 41 s, RSS +1 GB).
//
// The report's rows match seeded captures (bulk-inserted, not measured), with the mismatch mix
// of the reconcile benchmark, so the matching reads our records as a real import does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { count, fmt, type Bench, type BenchTable } from './support/bench.ts';
import { percentile } from './support/load.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';
import { seedCaptures } from './reconcile.bench.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MiB = 1024 * 1024;
const HEADER =
  'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,posted_at,credit_type,description,notes,payment_id,order_id,order_receipt,method';

/** Writes a report of about `bytes` to `file` (the reconcile benchmark's rows); returns its rows and the captures it names. */
function writeReport(file: string, bytes: number): { rows: number; payments: number; size: number } {
  const fd = fs.openSync(file, 'w');
  let size = 0;
  let rows = 0;
  let i = 0;
  let buf = `${HEADER}\n`;
  const push = (entity: string, type: string, amount: number, paymentId = '', receipt = '') => {
    const at = Math.floor((T0 + i * 1000) / 1000);
    const fee = type === 'payment' ? Math.floor(amount * 0.02) : 0;
    buf += `${entity},${type},${type === 'refund' ? amount : 0},${type === 'refund' ? 0 : amount - fee},${amount},INR,${fee},${Math.floor(fee * 0.18)},false,true,${at},${at + 86400},setl_bench,utr_bench,,default,,{},${paymentId},,${receipt},upi\n`;
    rows++;
  };
  while (size + buf.length < bytes) {
    i++;
    const amount = 10000 + (i % 500);
    const k = i % 200;
    if (k === 7) continue; // captured here, missing at the provider
    if (k === 11) push(`pay_rzp_${i}`, 'payment', amount - 100, '', `REF-${i}`);
    else if (k === 13) push(`pay_elsewhere_${i}`, 'payment', amount);
    else if (k === 17) push(`rfnd_bench_${i}`, 'refund', 500, `pay_rzp_${i}`);
    else if (k === 19) push(`adj_bench_${i}`, 'adjustment', 100);
    else push(`pay_rzp_${i}`, 'payment', amount, '', `REF-${i}`);
    if (k === 23) push(`pay_rzp_${i}`, 'payment', amount, '', `REF-${i}`);
    if (buf.length > 256 * 1024) {
      fs.writeSync(fd, buf);
      size += Buffer.byteLength(buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  size += Buffer.byteLength(buf);
  fs.closeSync(fd);
  return { rows, payments: i, size };
}

interface Probe {
  latencies: number[];
  errors: number;
}

/** GET /healthz one request at a time, `gapMs` apart, until `until()` says stop. */
async function probe(s: BenchServer, until: () => boolean, gapMs = 10): Promise<Probe> {
  const out: Probe = { latencies: [], errors: 0 };
  while (!until()) {
    const t = performance.now();
    try {
      const res = await fetch(`${s.url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) out.errors++;
    } catch {
      out.errors++;
    }
    out.latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  out.latencies.sort((a, b) => a - b);
  return out;
}

const rssMb = () => process.memoryUsage().rss / MiB;

export const reconcileImportBench: Bench = {
  name: 'reconcile-import',
  async run(): Promise<BenchTable> {
    const mib = count('BENCH_RECON_IMPORT_MIB', 45);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-bench-recon-'));
    const file = path.join(dir, 'report.csv');
    const report = writeReport(file, mib * MiB);
    const table: BenchTable = {
      title: `reconcile-import: /healthz while a ${fmt(report.size / MiB, 1)} MiB Razorpay report (${report.rows} rows) is uploaded and imported by the job workers; goal /healthz < 100 ms`,
      columns: ['database', 'phase', 'probes', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'seconds', 'rows/s', 'RSS before MB', 'RSS peak MB', 'RSS after MB'],
      rows: [],
      notes: [],
    };
    try {
      for (const target of TARGETS) {
        try {
          const out = await target.withServer(async (s) => {
            await seedCaptures(s, report.payments);
            const idleEnd = performance.now() + 3000;
            const idle = await probe(s, () => performance.now() > idleEnd);
            const rssBefore = rssMb();
            let rssPeak = rssBefore;
            const rssTimer = setInterval(() => {
              rssPeak = Math.max(rssPeak, rssMb());
            }, 100);
            let finished = false;
            const during = probe(s, () => finished);
            const started = performance.now();
            let uploadSeconds = 0;
            let importSeconds = 0;
            let run: any;
            try {
              const res = await fetch(`${s.url}/v1/reconciliations?format=razorpay&file_name=bench.csv`, {
                method: 'POST',
                headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'text/csv', 'content-length': String(report.size) },
                body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
                duplex: 'half',
              } as RequestInit);
              run = await res.json();
              uploadSeconds = (performance.now() - started) / 1000;
              if (res.status !== 202) throw new Error(`POST answered ${res.status}: ${JSON.stringify(run).slice(0, 300)}`);
              while (run.status === 'importing') {
                await new Promise((r) => setTimeout(r, 500));
                run = await (await fetch(`${s.url}/v1/reconciliations/${run.id}`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json();
              }
              importSeconds = (performance.now() - started) / 1000 - uploadSeconds;
            } finally {
              finished = true;
              clearInterval(rssTimer);
            }
            const busy = await during;
            return { idle, busy, uploadSeconds, importSeconds, run, rssBefore, rssPeak, rssAfter: rssMb() };
          });
          if ('skipped' in out) {
            table.rows.push([target.name, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
            table.notes.push(`${target.name}: skipped: ${out.skipped}`);
            continue;
          }
          const line = (phase: string, p: Probe, rest: (string | number)[]) => [
            target.name,
            phase,
            p.latencies.length,
            fmt(percentile(p.latencies, 0.5), 1),
            fmt(percentile(p.latencies, 0.99), 1),
            fmt(p.latencies.at(-1) ?? Number.NaN, 1),
            p.errors,
            ...rest,
          ];
          table.rows.push(line('idle (anchor)', out.idle, ['-', '-', fmt(out.rssBefore, 0), '-', '-']));
          table.rows.push(
            line('during import', out.busy, [
              `${fmt(out.uploadSeconds, 1)} + ${fmt(out.importSeconds, 1)}`,
              fmt(report.rows / (out.uploadSeconds + out.importSeconds), 0),
              fmt(out.rssBefore, 0),
              fmt(out.rssPeak, 0),
              fmt(out.rssAfter, 0),
            ]),
          );
          table.notes.push(
            `${target.name}: the run ended ${out.run.status} (${out.run.row_count} rows, ${out.run.totals?.matched?.count ?? '?'} matched${out.run.failure ? `, ${out.run.failure.message}` : ''}); seconds = upload + import`,
          );
        } catch (e) {
          table.rows.push([target.name, 'failed', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return table;
  },
};
