// Ledger bookings per second on each database: BENCH_CONCURRENCY workers, each booking one
// ledger transaction per database transaction through postAndProject (the path every capture,
// refund, fee and dispute takes), for BENCH_SECONDS after BENCH_WARMUP_SECONDS. Three kinds:
//   - order: a capture of 3 lines on one of 64 orders, with the order-amount projection (row lock + sums);
//   - payout: 2 lines, no order;
//   - replay: an external key booked before (the idempotent no-op);
//   - batch: BENCH_LEDGER_BATCH (default 100) fees on the 64 orders per database transaction through
//     postManyAndProject (how a provider report's rows are booked), latency per batch.
// Each row reports transactions (transfers) and postings per second and latency per booking.
import { inTransaction } from '../src/platform/context.ts';
import { postAndProject, postManyAndProject } from '../src/modules/ledger/ledger.post.ts';
import { createOrder } from '../src/modules/orders/orders.create.ts';
import { captureApplied, payout, providerFee, type LedgerEntry } from '../src/domain/ledger/postings.ts';
import type { Bench, BenchSettings, BenchTable } from './support/bench.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';

const ORDERS = 64;
type Kind = 'order' | 'payout' | 'replay' | 'batch';
const BATCH = Number(process.env.BENCH_LEDGER_BATCH ?? 100) || 100;

const pct = (xs: number[], p: number) => (xs.length ? xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]! : 0);

async function measure(s: BenchServer, settings: BenchSettings, kind: Kind, orders: { id: string; total: number; tax: number }[]) {
  const at = new Date();
  let seq = 0;
  const entry = (w: number): LedgerEntry => {
    const i = seq++;
    if (kind === 'payout') return payout({ provider: 'sandbox', settlementId: `setl_bench_${w}_${i}`, amount: 100, currency: 'INR', eventAt: at });
    const o = orders[(w * 7 + i) % orders.length]!;
    // A replay books the same key every time (booked once before the clock starts).
    const ppid = kind === 'replay' ? `replay_${o.id}` : `bench_${w}_${i}`;
    return captureApplied({
      provider: 'sandbox',
      providerPaymentId: ppid,
      orderId: o.id,
      amount: o.total,
      currency: 'INR',
      eventAt: at,
      orderTotal: o.total,
      orderTax: o.tax,
    });
  };
  const feeEntry = (w: number): LedgerEntry => {
    const i = seq++;
    const o = orders[(w * 7 + i) % orders.length]!;
    return providerFee({
      provider: 'sandbox',
      providerPaymentId: `fee_${w}_${i}`,
      orderId: o.id,
      fee: 236,
      tax: 36,
      currency: 'INR',
      eventAt: at,
      source: 'bench',
    });
  };
  if (kind === 'replay')
    for (let w = 0; w < orders.length; w++) await inTransaction(s.ctx, (tx) => postAndProject(tx, s.merchantId, entry(w), s.ctx.clock.now()));
  const lat: number[] = [];
  let done = 0;
  let lines = 0;
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + settings.warmupSeconds * 1000;
  const end = measureFrom + settings.seconds * 1000;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async (_, w) => {
      while (performance.now() < end) {
        const es = kind === 'batch' ? Array.from({ length: BATCH }, () => feeEntry(w)) : [entry(w)];
        const t0 = performance.now();
        try {
          await inTransaction(s.ctx, (tx) =>
            kind === 'batch'
              ? postManyAndProject(tx, s.merchantId, es, s.ctx.clock.now())
              : postAndProject(tx, s.merchantId, es[0]!, s.ctx.clock.now()).then((p) => [p]),
          );
        } catch {
          errors++;
          continue;
        }
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) {
          done += es.length;
          lines += es.reduce((n, e) => n + e.lines.length, 0);
          lat.push(t1 - t0);
        }
      }
    }),
  );
  return { perSec: done / settings.seconds, postingsPerSec: lines / settings.seconds, p50: pct(lat, 50), p99: pct(lat, 99), done, errors };
}

export const ledgerBench: Bench = {
  name: 'ledger',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const table: BenchTable = {
      title: `ledger: bookings through postAndProject, ${settings.concurrency} workers, one booking per database transaction`,
      columns: ['database', 'kind', 'transfers/s', 'postings/s', 'p50 ms', 'p99 ms', 'booked', 'errors'],
      rows: [],
      notes: [
        `order = capture of 3 lines on one of 64 orders + amount projection; payout = 2 lines; replay = an existing key (no-op); batch = ${BATCH} fees (3 lines) per database transaction (latency per batch)`,
      ],
    };
    for (const target of TARGETS) {
      const out = await target.withServer(async (s) => {
        const orders: { id: string; total: number; tax: number }[] = [];
        for (let i = 0; i < ORDERS; i++) {
          const r = await inTransaction(s.ctx, (tx) =>
            createOrder(s.ctx, tx, { source: 'api', id: 'bench' }, s.merchantId, {
              customer: { wa_id: '919812345678' },
              currency: 'INR',
              items: [{ name: 'Chai', amount: 4500, quantity: 2 }],
              tax: { amount: 900 },
              payment: { method: 'payment_link' },
              send: false,
            }),
          );
          if (!r.ok) throw new Error(r.error.message);
          orders.push({ id: r.value.order.id, total: r.value.order.total, tax: r.value.order.tax });
        }
        // Orders last: the 64 orders' checkout jobs have finished by then and do not compete.
        for (const kind of ['payout', 'replay', 'order', 'batch'] as const) {
          const m = await measure(s, settings, kind, orders);
          table.rows.push([target.name, kind, Math.round(m.perSec), Math.round(m.postingsPerSec), m.p50.toFixed(1), m.p99.toFixed(1), m.done, m.errors]);
        }
        table.notes.push(`${target.name}: ${s.describe}`);
      });
      if (out && typeof out === 'object' && 'skipped' in out) table.notes.push(`${target.name}: skipped (${out.skipped})`);
    }
    return table;
  },
};
