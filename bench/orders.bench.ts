// Orders created per second through the HTTP API, with p50 / p99 latency, on each database, and
// on PostgreSQL against pgbench's TPC-B at the same concurrency on the same server, measured in
// the same run (the anchor; targets: ≥ 0.15 × its tps, goal 0.3, and p99 < 50 ms).
// Each request is a POST /v1/orders with a distinct Idempotency-Key and 2 items (one from the
// demo catalog, one ad hoc), so every request does the full create path: idempotency record,
// catalog lookup, order, payment attempt, event, expiry and bill jobs, one transaction. The job
// workers run (bills are sent to the sandbox phone while the load runs), as `chatcart start` does.
// The load is autocannon in its own process. Also printed: the database work per order
// (statements = round trips, and commits, counted by the database handle: requests and the
// workers' processing of each order together) and the server's RSS idle and after the load.
import { fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { loadFromChild } from './support/load-process.ts';
import { pgbenchTps } from './support/pgbench.ts';
import { DEFAULT_PG_URL, TARGETS } from './support/targets.ts';

const TARGET_RATIO = 0.15;
const GOAL_RATIO = 0.3;
const TARGET_P99_MS = 50;

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

const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 0);

export const ordersBench: Bench = {
  name: 'orders',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const table: BenchTable = {
      title:
        `orders: POST /v1/orders (2 items, distinct Idempotency-Key), ${settings.concurrency} connections (autocannon, own process), ` +
        `job workers on, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured`,
      columns: ['database', 'orders/s', 'p50 ms', 'p99 ms', 'errors', 'stmts/order', 'commits/order', 'anchor tps', 'ratio', 'RSS idle MB', 'RSS load MB'],
      rows: [],
      notes: [`target on PostgreSQL: ≥ ${TARGET_RATIO} × pgbench TPC-B tps (goal ${GOAL_RATIO}) and p99 < ${TARGET_P99_MS} ms`],
    };
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => {
          const anchor =
            target.name === 'postgres'
              ? await pgbenchTps(process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL, settings.concurrency, Number(process.env.BENCH_PGBENCH_SECONDS) || 30)
              : undefined;
          const rssIdle = process.memoryUsage().rss;
          const before = s.ctx.db.stats();
          const count = async () => (await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from orders`))[0]!.n;
          const ordersBefore = await count();
          const r = await loadFromChild({
            url: `${s.url}/v1/orders`,
            requests: [{ body: ORDER_BODY, headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' } }],
            uniqueHeader: 'idempotency-key',
            expectStatus: 201,
            concurrency: settings.concurrency,
            warmupMs: settings.warmupSeconds * 1000,
            durationMs: settings.seconds * 1000,
          });
          const rssLoad = process.memoryUsage().rss;
          const after = s.ctx.db.stats();
          const created = (await count()) - ordersBefore;
          return {
            r,
            anchor,
            rssIdle,
            rssLoad,
            created,
            statements: after.statements - before.statements,
            commits: after.commits - before.commits,
            describe: s.describe,
          };
        });
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        const { r, anchor } = out;
        const ratio = anchor ? r.perSecond / anchor.tps : Number.NaN;
        table.rows.push([
          target.name,
          fmt(r.perSecond, 1),
          fmt(r.p50, 1),
          fmt(r.p99, 1),
          r.errors,
          fmt(out.statements / out.created, 1),
          fmt(out.commits / out.created, 2),
          anchor ? fmt(anchor.tps, 0) : '-',
          anchor ? fmt(ratio, 3) : '-',
          mb(out.rssIdle),
          mb(out.rssLoad),
        ]);
        table.notes.push(`${target.name}: ${out.describe}; ${out.created} orders created (warm-up included)`);
        if (anchor) {
          table.notes.push(`${target.name}: anchor: ${anchor.command}: ${fmt(anchor.tps, 0)} tps`);
          const met = ratio >= TARGET_RATIO && r.p99 < TARGET_P99_MS;
          table.notes.push(
            `${target.name}: target ${met ? 'met' : 'MISSED'}: ${fmt(ratio, 3)} × pgbench (target ${TARGET_RATIO}, goal ${GOAL_RATIO}); p99 ${fmt(r.p99, 1)} ms (target < ${TARGET_P99_MS})`,
          );
        }
        for (const e of r.errorSamples) table.notes.push(`${target.name}: error sample: ${e}`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', 'failed', '-', '-', '-', '-', '-', '-']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
