// Orders created per second through the HTTP API, with p50 / p99 latency, on each database.
// Each request is a POST /v1/orders with a distinct Idempotency-Key and 2 items (one from the
// demo catalog, one ad hoc), so every request does the full create path: idempotency record,
// catalog lookup, order, payment attempt, event, expiry and bill jobs, one transaction.
import { fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { runLoad } from './support/load.ts';
import { TARGETS } from './support/targets.ts';

const ORDER_BODY = JSON.stringify({
  customer: { wa_id: '919876543210', name: 'Bench' },
  currency: 'INR',
  items: [
    { retailer_id: 'masala-chai', quantity: 2 },
    { name: 'Gift wrap', amount: 5000, quantity: 1 },
  ],
  tax: { amount: 1000, description: 'GST' },
  payment: { method: 'payment_link' },
});

export const ordersBench: Bench = {
  name: 'orders',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const table: BenchTable = {
      title:
        `orders: POST /v1/orders (2 items, distinct Idempotency-Key), ${settings.concurrency} workers, ` +
        `${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured`,
      columns: ['database', 'orders/s', 'p50 ms', 'p99 ms', 'errors'],
      rows: [],
      notes: [],
    };
    const runId = `${process.pid}-${Date.now().toString(36)}`;
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => {
          const r = await runLoad({
            concurrency: settings.concurrency,
            warmupMs: settings.warmupSeconds * 1000,
            durationMs: settings.seconds * 1000,
            expectStatus: 201,
            request: (w, i) => ({
              url: `${s.url}/v1/orders`,
              init: {
                method: 'POST',
                headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json', 'idempotency-key': `bench-${runId}-${w}-${i}` },
                body: ORDER_BODY,
              },
            }),
          });
          return { r, describe: s.describe };
        });
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        const { r } = out;
        table.rows.push([target.name, fmt(r.perSecond, 1), fmt(r.p50, 2), fmt(r.p99, 2), r.errors]);
        table.notes.push(`${target.name}: ${out.describe}; ${r.ok} orders created in the measured window`);
        for (const e of r.errorSamples) table.notes.push(`${target.name}: error sample: ${e}`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', 'failed']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
