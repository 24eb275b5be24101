// `npm run bench`: runs every benchmark in BENCHES one after the other and prints a table for
// each. Numbers only, no assertions. To add a benchmark, write bench/<name>.bench.ts exporting a
// `Bench` (see bench/support/bench.ts) and list it below; `npm run bench -- <name>…` runs a subset.
//
// Settings: BENCH_SECONDS (measured, default 10), BENCH_WARMUP_SECONDS (default 2),
// BENCH_CONCURRENCY (workers, default 16), BENCH_DATABASE_URL (PostgreSQL; default
// postgres://postgres@127.0.0.1:5432/test, skipped with a note when unreachable), BENCH_PAYMENTS
// (webhooks in the payments benchmark, default 500), BENCH_RECON_ROWS (report rows in the reconcile
// benchmark, default 100000), BENCH_RECON_IMPORT_MIB (the reconcile-import benchmark's file, default 45),
// BENCH_PGBENCH_SECONDS (the pgbench anchor's run, default 30), BENCH_NODES (processes in the nodes benchmark, default 3), BENCH_STREAM_CLIENTS (stream clients on node B in the stream benchmark, default 50), BENCH_TARGETS (pglite, postgres
// or both, comma-separated; default both).
import os from 'node:os';
import { bookingBench } from './booking.bench.ts';
import { exportsBench } from './exports.bench.ts';
import { flowsBench } from './flows.bench.ts';
import { ledgerBench } from './ledger.bench.ts';
import { nodesBench } from './nodes.bench.ts';
import { ordersBench } from './orders.bench.ts';
import { outboundWebhooksBench } from './outbound-webhooks.bench.ts';
import { webhooksBench } from './webhooks.bench.ts';
import { paymentsBench } from './payments.bench.ts';
import { reconcileBench } from './reconcile.bench.ts';
import { reconcileImportBench } from './reconcile-import.bench.ts';
import { streamBench } from './stream.bench.ts';
import type { Bench, BenchSettings, BenchTable } from './support/bench.ts';

const BENCHES: Bench[] = [
  ordersBench,
  paymentsBench,
  webhooksBench,
  nodesBench,
  flowsBench,
  outboundWebhooksBench,
  reconcileBench,
  reconcileImportBench,
  ledgerBench,
  exportsBench,
  bookingBench,
  streamBench,
];

function positive(name: string, def: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`bench: ${name} must be a positive number (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

function printTable(t: BenchTable): void {
  const cells = [t.columns, ...t.rows.map((r) => r.map(String))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (labels), the numbers right-aligned.
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${t.title}`);
  console.log(line(t.columns));
  for (const r of cells.slice(1)) console.log(line(r));
  for (const n of t.notes) console.log(`  ${n}`);
}

async function main(): Promise<void> {
  const settings: BenchSettings = {
    seconds: positive('BENCH_SECONDS', 10),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2),
    concurrency: Math.round(positive('BENCH_CONCURRENCY', 16)),
  };
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `chatcart bench: node ${process.version}, ${os.cpus().length} × ${cpu}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const b of BENCHES) {
    if (only.length && !only.includes(b.name)) continue;
    printTable(await b.run(settings));
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error('bench failed:', e);
    process.exit(1);
  },
);
