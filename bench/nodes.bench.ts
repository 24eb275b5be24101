// Many nodes: WhatsApp webhook intake and status processing with 1, 2 and 3 chatcart processes
// (`chatcart start`, HTTP and job workers in each) on one PostgreSQL schema. The load comes from
// one autocannon process per node (bench/support/load-child.ts), the connections split evenly, each
// node getting its own share of the signed status bodies; a burst of BENCH_STATUS_BURST fresh
// bodies is then posted across the nodes and the time until no stored body waits is measured.
// The machine's cores bound the curve: every process (the nodes, the load generators, PostgreSQL)
// shares them, so the table says where it bends rather than promising linear scaling.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { startServer, type Running } from '../src/main.ts';
import { createSchema, postgresReachable } from '../test/support/db.ts';
import { count, fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { loadFromChild, type ChildResult, type ChildSpec } from './support/load-process.ts';
import { benchEnv, DEFAULT_PG_URL } from './support/targets.ts';
import { describeDrain, drain, prepare, STATUS_BURST } from './webhooks.bench.ts';

const BIN = fileURLToPath(new URL('../bin/chatcart.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function healthy(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`node exited ${proc.exitCode}: ${log().slice(-500)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node at ${url} not healthy after 60 s: ${log().slice(-500)}`);
}

/** `chatcart start` as its own process on the schema; resolves once /healthz answers. */
export async function startNode(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const env = { ...process.env, ...benchEnv({ DATABASE_URL: databaseUrl, PORT: String(port) }), NODE_OPTIONS: '', ...extraEnv };
  const proc = spawn(process.execPath, [BIN, 'start'], { cwd: path.dirname(path.dirname(BIN)), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  proc.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
  try {
    await healthy(url, proc, () => out);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}

/** The same load split over the nodes: each its share of the connections and of the bodies. */
async function spread(urls: string[], requests: ChildSpec['requests'], spec: Omit<ChildSpec, 'url' | 'requests' | 'concurrency'>, connections: number) {
  const n = urls.length;
  const parts = await Promise.all(
    urls.map((u, k) =>
      loadFromChild({
        ...spec,
        url: `${u}/webhooks/whatsapp`,
        requests: requests.filter((_, i) => i % n === k),
        concurrency: Math.max(1, Math.round(connections / n)),
        ...(spec.amount ? { amount: Math.ceil(spec.amount / n) } : {}),
      }),
    ),
  );
  const sum = (f: (r: ChildResult) => number) => parts.reduce((a, r) => a + f(r), 0);
  return {
    perSecond: sum((r) => r.perSecond),
    p50: Math.max(...parts.map((r) => r.p50)),
    p99: Math.max(...parts.map((r) => r.p99)),
    errors: sum((r) => r.errors),
    answered: sum((r) => r.answered),
  };
}

/** Status items applied so far (all nodes together). */
async function processedItems(running: Running): Promise<number> {
  return (await running.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_items where status <> 'received'`))[0]!.n;
}

export const nodesBench: Bench = {
  name: 'nodes',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const connections = Math.min(64, Math.max(32, settings.concurrency));
    const maxNodes = count('BENCH_NODES', 3);
    const table: BenchTable = {
      title:
        `nodes: signed status POSTs to /webhooks/whatsapp spread over 1…${maxNodes} chatcart processes on one PostgreSQL, ` +
        `${connections} connections in all, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured; then a burst of ${STATUS_BURST}`,
      columns: ['processes', 'bodies/s', 'p50 ms (worst)', 'p99 ms (worst)', 'errors', 'burst accepted s', 'drained s after', 'items/s (burst)'],
      rows: [],
      notes: [],
    };
    const url = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
    if (!(await postgresReachable(url))) {
      table.notes.push(`skipped: PostgreSQL at ${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} is not reachable (set BENCH_DATABASE_URL)`);
      return table;
    }
    const schema = await createSchema(url);
    // This process only sets up (the demo merchant, the outbound messages the statuses are
    // about) and counts; it runs no job workers, so every item is processed by the nodes.
    const setup = await startServer(loadConfig(benchEnv({ DATABASE_URL: schema.url, CHATCART_JOBS: 'off' })));
    try {
      for (let n = 1; n <= maxNodes; n++) {
        const nodes: { url: string; stop(): Promise<void> }[] = [];
        try {
          for (let i = 0; i < n; i++) nodes.push(await startNode(schema.url));
          const urls = nodes.map((x) => x.url);
          const timed = await spread(
            urls,
            (await prepare(setup)).requests,
            { expectStatus: 200, warmupMs: settings.warmupSeconds * 1000, durationMs: settings.seconds * 1000 },
            connections,
          );
          await drain(setup);
          const fresh = (await prepare(setup)).requests.slice(0, STATUS_BURST);
          const itemsBefore = await processedItems(setup);
          const started = Date.now();
          const burst = await spread(urls, fresh, { expectStatus: 200, warmupMs: 0, durationMs: 0, amount: STATUS_BURST }, connections);
          const accepted = (Date.now() - started) / 1000;
          const d = await drain(setup);
          const total = (Date.now() - started) / 1000;
          const items = (await processedItems(setup)) - itemsBefore;
          table.rows.push([
            n,
            fmt(timed.perSecond, 0),
            fmt(timed.p50, 2),
            fmt(timed.p99, 2),
            timed.errors + burst.errors,
            fmt(accepted, 1),
            d.done ? fmt(d.seconds, 1) : 'not drained',
            fmt(items / Math.max(total, 0.001), 0),
          ]);
          table.notes.push(`${n} process${n > 1 ? 'es' : ''}: burst ${describeDrain(d)}`);
        } catch (e) {
          table.rows.push([n, '-', '-', '-', 'failed', '-', '-', '-']);
          table.notes.push(`${n}: failed: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          await Promise.all(nodes.map((x) => x.stop()));
        }
      }
    } finally {
      await setup.close();
      await schema.drop();
    }
    table.notes.push('every process shares the same cores (the nodes, the load generators and PostgreSQL): where the curve bends is where the CPU runs out');
    return table;
  },
};
