// Reconciliation throughput: a BENCH_RECON_ROWS-row (default 100,000) Razorpay settlement
// recon report POSTed as text/csv to /v1/reconciliations on each database, then rerun.
// Measured: from the request to the run's end (upload, then the import job: CSV parse,
// loading our records, matching, storing the items in batches; the run is polled every
// 100 ms). Target: under 10 s for 100,000 rows.
//
// Set-up (not measured): as many captured Razorpay payments as the report has payment
// rows, bulk-inserted with generate_series (orders, attempts, provider payments). The
// report then holds matched rows (the most), amount mismatches, payments unknown here,
// a duplicate of each hundredth row, refunds we do not know and adjustments; and 0.5 % of
// our captures are left out of it (missing at the provider).
import { fmt, count, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');

/** Our side: `n` captured Razorpay payments pay_bench_1 … pay_bench_n of 10000 + i % 500 paise, one second apart. */
export async function seedCaptures(s: BenchServer, n: number): Promise<void> {
  const db = s.ctx.db;
  const m = s.merchantId;
  const at = (col: string) => `(timestamptz '2026-03-01T00:00:00Z' + make_interval(secs => ${col}))`;
  await db.query(
    `insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, amount_paid, customer_wa_id, goods_type, expires_at, created_at, updated_at)
     select 'ord_bench_' || i, $1, 'processing', 'paid', 'INR', '[]'::jsonb, 10000 + i % 500, 10000 + i % 500, 10000 + i % 500, '919800000000', 'digital-goods', ${at('i')} + interval '1 day', ${at('i')}, ${at('i')}
       from generate_series(1, $2::int) i`,
    [m, n],
  );
  await db.query(
    `insert into payments (id, merchant_id, order_id, reference_id, method, provider, status, amount, currency, provider_payment_id, counted, expires_at, captured_at, created_at, updated_at)
     select 'pay_bench_' || i, $1, 'ord_bench_' || i, 'REF-' || i, 'payment_link', 'razorpay', 'captured', 10000 + i % 500, 'INR', 'pay_rzp_' || i, true, ${at('i')} + interval '1 day', ${at('i')}, ${at('i')}, ${at('i')}
       from generate_series(1, $2::int) i`,
    [m, n],
  );
  await db.query(
    `insert into provider_payments (id, merchant_id, provider, provider_payment_id, payment_id, order_id, status, amount, currency, reference_id, disposition, verified_by, captured_at, created_at, updated_at)
     select 'ppy_bench_' || i, $1, 'razorpay', 'pay_rzp_' || i, 'pay_bench_' || i, 'ord_bench_' || i, 'captured', 10000 + i % 500, 'INR', 'REF-' || i, 'counted', 'webhook', ${at('i')}, ${at('i')}, ${at('i')}
       from generate_series(1, $2::int) i`,
    [m, n],
  );
  // A shop's tables have planner statistics (autovacuum keeps them; it is off on this machine's
  // test cluster): without them a bulk-seeded table is planned as if it held 4 rows.
  await db.query('analyze orders, payments, provider_payments');
}

/** The report: `rows` lines over the seeded payments (see the header comment for the mix). */
function buildReport(rows: number): { csv: string; payments: number } {
  const lines = [
    'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,posted_at,credit_type,description,notes,payment_id,order_id,order_receipt,method',
  ];
  let i = 0;
  let payments = 0;
  const push = (entity: string, type: string, amount: number, paymentId = '', receipt = '') => {
    const at = Math.floor((T0 + i * 1000) / 1000);
    const fee = type === 'payment' ? Math.floor(amount * 0.02) : 0;
    lines.push(
      `${entity},${type},${type === 'refund' ? amount : 0},${type === 'refund' ? 0 : amount - fee},${amount},INR,${fee},${Math.floor(fee * 0.18)},false,true,${at},${at + 86400},setl_bench,utr_bench,,default,,{},${paymentId},,${receipt},upi`,
    );
  };
  while (lines.length - 1 < rows) {
    i++;
    const amount = 10000 + (i % 500);
    const k = i % 200;
    if (k === 7) continue; // left out: captured here, missing at the provider
    payments++;
    if (k === 11) push(`pay_rzp_${i}`, 'payment', amount - 100, '', `REF-${i}`);
    else if (k === 13) push(`pay_elsewhere_${i}`, 'payment', amount);
    else if (k === 17) push(`rfnd_bench_${i}`, 'refund', 500, `pay_rzp_${i}`);
    else if (k === 19) push(`adj_bench_${i}`, 'adjustment', 100);
    else push(`pay_rzp_${i}`, 'payment', amount, '', `REF-${i}`);
    if (k === 23 && lines.length - 1 < rows) push(`pay_rzp_${i}`, 'payment', amount, '', `REF-${i}`);
  }
  return { csv: `${lines.join('\n')}\n`, payments: i };
}

/** POSTs and waits for the run the job imports (202, then `importing` until it has ended): seconds to the end. */
async function post(s: BenchServer, path: string, body: string | undefined, contentType: string): Promise<{ seconds: number; json: any }> {
  const started = performance.now();
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body,
  });
  let json = await res.json();
  if (res.status !== 202) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  while (json.status === 'importing') {
    await new Promise((r) => setTimeout(r, 100));
    json = await (await fetch(`${s.url}/v1/reconciliations/${json.id}`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json();
  }
  const seconds = (performance.now() - started) / 1000;
  if (json.status === 'failed') throw new Error(`the run failed: ${json.failure?.message}`);
  return { seconds, json };
}

export const reconcileBench: Bench = {
  name: 'reconcile',
  async run(_settings: BenchSettings): Promise<BenchTable> {
    const n = count('BENCH_RECON_ROWS', 100_000);
    const { csv, payments } = buildReport(n);
    const table: BenchTable = {
      title: `reconcile: a ${n}-row Razorpay settlement report (${(csv.length / 1e6).toFixed(1)} MB) POSTed as text/csv, then rerun; target < 10 s`,
      columns: ['database', 'step', 'rows/s', 'seconds', 'matched', 'mismatches'],
      rows: [],
      notes: [],
    };
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => {
          const t = performance.now();
          await seedCaptures(s, payments);
          const seedSeconds = (performance.now() - t) / 1000;
          const first = await post(s, '/v1/reconciliations?format=razorpay&file_name=bench.csv', csv, 'text/csv');
          const again = await post(s, `/v1/reconciliations/${first.json.id}/rerun`, undefined, '');
          return { first, again, seedSeconds, describe: s.describe };
        });
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        for (const [step, r] of [
          ['import', out.first],
          ['rerun', out.again],
        ] as const) {
          const totals = r.json.totals as Record<string, { count: number }>;
          const mismatches = Object.entries(totals)
            .filter(([c]) => c !== 'matched' && c !== 'other')
            .reduce((a, [, v]) => a + v.count, 0);
          table.rows.push([target.name, step, fmt(n / r.seconds, 0), fmt(r.seconds, 2), totals['matched']!.count, mismatches]);
        }
        table.notes.push(`${target.name}: ${out.describe}; seeding ${payments} captured payments took ${fmt(out.seedSeconds, 1)} s (not measured)`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', '-', 'failed']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
