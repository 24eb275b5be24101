// CSV export throughput and memory: BENCH_EXPORT_ROWS (default 100,000) orders of one
// merchant, GET /v1/exports/orders.csv over a year's range, read as a stream by the
// client. Measured: the whole download (keyset pages of 500, quoting, formula guard),
// rows/s, MB, and the peak heap growth of the process during it (server and client share
// the process, so it bounds the server's share): it must stay flat as rows grow.
//
// Set-up (not measured): orders bulk-inserted with generate_series, one second apart,
// every tenth customer name formula-like (=HYPERLINK…) and every seventh with a comma and quotes.
import { fmt, count, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';

async function seed(s: BenchServer, n: number): Promise<void> {
  const at = `(timestamptz '2026-01-01T00:00:00Z' + make_interval(secs => i))`;
  await s.ctx.db.query(
    `insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, tax, tax_description, total, customer_wa_id, customer_name, goods_type, metadata, expires_at, created_at, updated_at)
     select 'ord_exp_' || lpad(i::text, 8, '0'), $1, 'processing', 'paid', 'INR',
            '[{"retailer_id":"chai","product_id":null,"name":"Masala chai","amount":12500,"sale_amount":null,"quantity":2,"line_total":25000}]'::jsonb,
            25000, 1250, 'GST 5%', 26250, '9198' || lpad(i::text, 8, '0'),
            case when i % 10 = 0 then '=HYPERLINK("http://x/' || i || '","y")' when i % 7 = 0 then 'Rao, "Asha" ' || i else 'Customer ' || i end,
            'physical-goods', jsonb_build_object('crm_id', i::text), ${at} + interval '1 day', ${at}, ${at}
       from generate_series(1, $2::int) i`,
    [s.merchantId, n],
  );
}

async function download(s: BenchServer): Promise<{ seconds: number; bytes: number; rows: number; peakHeapMb: number }> {
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  const res = await fetch(`${s.url}/v1/exports/orders.csv?from=2026-01-01&to=2027-01-01`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  let bytes = 0;
  let rows = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    // Records end in CRLF; quoted names here hold no line breaks, so CRLFs count rows.
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  clearInterval(timer);
  return { seconds: (performance.now() - started) / 1000, bytes, rows: rows - 1, peakHeapMb: (peak - base) / 1e6 };
}

export const exportsBench: Bench = {
  name: 'exports',
  async run(_settings: BenchSettings): Promise<BenchTable> {
    const n = count('BENCH_EXPORT_ROWS', 100_000);
    const table: BenchTable = {
      title: `exports: GET /v1/exports/orders.csv of ${n} orders, streamed (keyset pages of 500)`,
      columns: ['database', 'rows', 'rows/s', 'seconds', 'MB', 'peak heap growth MB'],
      rows: [],
      notes: [],
    };
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => {
          const t = performance.now();
          await seed(s, n);
          const seedSeconds = (performance.now() - t) / 1000;
          return { r: await download(s), seedSeconds, describe: s.describe };
        });
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        const r = out.r;
        table.rows.push([target.name, r.rows, fmt(r.rows / r.seconds, 0), fmt(r.seconds, 2), fmt(r.bytes / 1e6, 1), fmt(r.peakHeapMb, 1)]);
        table.notes.push(`${target.name}: ${out.describe}; seeding took ${fmt(out.seedSeconds, 1)} s (not measured)`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', '-', 'failed']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
