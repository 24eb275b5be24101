// Live updates across nodes: two chatcart processes (`chatcart start`) on one PostgreSQL schema;
// BENCH_STREAM_CLIENTS (default 50) clients hold GET /v1/stream on node B while orders are created
// through node A (POST /v1/orders, a few at a time, for BENCH_SECONDS). For every (client, order)
// pair the time from the 201 on A to the `order.created` event on B's stream is measured (the
// cross-node path: the commit, the coalesced NOTIFY wake-up, B's read of the changes, the write to
// each client). Also reported: PostgreSQL connections each node holds while the clients are
// connected (pg_stat_activity by application_name, set per node with PGAPPNAME), so it shows the
// stream costs no connection per client. The nodes, the clients and PostgreSQL share the cores.
import crypto from 'node:crypto';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';
import { createSchema, postgresReachable } from '../test/support/db.ts';
import { startNode } from './nodes.bench.ts';
import { count, fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { benchEnv, DEFAULT_PG_URL } from './support/targets.ts';

const ORDER_BODY = JSON.stringify({
  customer: { wa_id: '919876543210', name: 'Bench' },
  currency: 'INR',
  items: [{ retailer_id: 'masala-chai', quantity: 1 }],
  payment: { method: 'payment_link' },
  send: false,
});
/** Orders in flight at once on node A. */
const CREATORS = 4;

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);

/** One SSE client: records when each order.created arrives (by order id). */
function streamClient(url: string, apiKey: string, onOrder: (orderId: string, at: number) => void) {
  const ac = new AbortController();
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(`${url}/v1/stream`, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' }, signal: ac.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    opened();
    const decoder = new TextDecoder();
    let buf = '';
    const reader = res.body.getReader();
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        if (!/^event: order\.created$/m.test(block)) continue;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const id = data ? (JSON.parse(data) as { order_id?: string }).order_id : undefined;
        if (id) onOrder(id, performance.now());
      }
    }
  })().catch((e: unknown) => {
    if (!ac.signal.aborted) throw e;
  });
  return { ready, done, close: () => ac.abort() };
}

export const streamBench: Bench = {
  name: 'stream',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const clients = count('BENCH_STREAM_CLIENTS', 50);
    const table: BenchTable = {
      title: `stream: ${clients} GET /v1/stream clients on node B, orders created through node A (${CREATORS} at a time, ${settings.seconds} s), one PostgreSQL schema`,
      columns: ['orders', 'deliveries', 'missing', 'p50 ms', 'p99 ms', 'max ms', 'orders/s', 'conns A', 'conns B'],
      rows: [],
      notes: [],
    };
    const url = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
    if (!(await postgresReachable(url))) {
      table.notes.push(`skipped: PostgreSQL at ${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} is not reachable (set BENCH_DATABASE_URL)`);
      return table;
    }
    const schema = await createSchema(url);
    const setup = await startServer(loadConfig(benchEnv({ DATABASE_URL: schema.url, CHATCART_JOBS: 'off' })));
    const tag = crypto.randomBytes(3).toString('hex');
    const apps = { A: `chatcart-bench-${tag}-a`, B: `chatcart-bench-${tag}-b` };
    const nodes: { url: string; stop(): Promise<void> }[] = [];
    const conns: { close(): void; done: Promise<void> }[] = [];
    try {
      if (!setup.demo) throw new Error('no demo merchant was created: the schema was not fresh');
      const apiKey = setup.demo.apiKey;
      const a = await startNode(schema.url, { PGAPPNAME: apps.A });
      nodes.push(a);
      const b = await startNode(schema.url, { PGAPPNAME: apps.B });
      nodes.push(b);

      const created = new Map<string, number>();
      // An event may arrive before the 201 is read: matched once the 201 is in.
      const early: [string, number][] = [];
      const latencies: number[] = [];
      let deliveries = 0;
      for (let i = 0; i < clients; i++) {
        const c = streamClient(b.url, apiKey, (id, at) => {
          deliveries++;
          const t = created.get(id);
          if (t !== undefined) latencies.push(Math.max(0, at - t));
          else early.push([id, at]);
        });
        conns.push(c);
        await c.ready;
      }
      const connections = async () => {
        const rows = await setup.ctx.db.query<{ app: string; n: number }>(
          `select application_name as app, count(*)::int as n from pg_stat_activity where application_name = any($1::text[]) group by 1`,
          [[apps.A, apps.B]],
        );
        const of = (app: string) => rows.find((r) => r.app === app)?.n ?? 0;
        return { A: of(apps.A), B: of(apps.B) };
      };
      const idle = await connections();

      const started = performance.now();
      const until = started + settings.seconds * 1000;
      let errors = 0;
      let peak = { A: 0, B: 0 };
      const creator = async () => {
        while (performance.now() < until) {
          const res = await fetch(`${a.url}/v1/orders`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
            body: ORDER_BODY,
          });
          const at = performance.now();
          const body = (await res.json()) as { id?: string };
          if (res.status !== 201 || !body.id) errors++;
          else created.set(body.id, at);
        }
      };
      const sampler = (async () => {
        while (performance.now() < until) {
          const c = await connections();
          peak = { A: Math.max(peak.A, c.A), B: Math.max(peak.B, c.B) };
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      await Promise.all([...Array.from({ length: CREATORS }, creator), sampler]);
      const elapsed = (performance.now() - started) / 1000;
      // The stragglers: up to 10 s for every client to have every order.
      const expected = created.size * clients;
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline) {
        for (const [id, at] of early.splice(0)) {
          const t = created.get(id);
          if (t !== undefined) latencies.push(Math.max(0, at - t));
        }
        if (latencies.length >= expected) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const sorted = [...latencies].sort((x, y) => x - y);
      table.rows.push([
        created.size,
        deliveries,
        Math.max(0, expected - latencies.length),
        fmt(quantile(sorted, 0.5), 1),
        fmt(quantile(sorted, 0.99), 1),
        fmt(sorted[sorted.length - 1] ?? NaN, 1),
        fmt(created.size / elapsed, 1),
        `${idle.A} idle, ${peak.A} peak`,
        `${idle.B} idle, ${peak.B} peak`,
      ]);
      if (errors) table.notes.push(`${errors} order creation(s) did not answer 201`);
      table.notes.push(
        `latency: from the 201 read on A to the order.created event read on a B stream client, every (client, order) pair; ` +
          `connections: pg_stat_activity rows per node (PGAPPNAME), with ${clients} stream clients connected to B`,
      );
    } catch (e) {
      table.notes.push(`failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      for (const c of conns) c.close();
      await Promise.all(conns.map((c) => c.done));
      await Promise.all(nodes.map((x) => x.stop()));
      await setup.close();
      await schema.drop();
    }
    table.notes.push('every process shares the same cores (both nodes, the clients and PostgreSQL)');
    return table;
  },
};
