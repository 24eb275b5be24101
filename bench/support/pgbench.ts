// The anchor for database-bound benches: pgbench's TPC-B-like transaction on the same PostgreSQL,
// at the same concurrency, measured in the same run (the issue pins it: `pgbench -i -s 16`, then
// `-c 16 -j 2 -M prepared -T 30`). It runs in a database of its own (chatcart_pgbench), created
// and initialised once and reused while its scale matches.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const DB = 'chatcart_pgbench';
export const PGBENCH_SCALE = 16;

export interface PgbenchResult {
  tps: number;
  clients: number;
  seconds: number;
  /** The command line, for the report. */
  command: string;
}

function connArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname || '127.0.0.1', '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  return { args, env };
}

async function ensureInitialised(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DB]);
    if (exists.rowCount === 0) await admin.query(`create database ${DB}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${DB}`;
  u.search = '';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  let scale = 0;
  try {
    const r = await c.query<{ n: number }>(`select count(*)::int as n from pgbench_branches`).catch(() => ({ rows: [{ n: 0 }] }));
    scale = r.rows[0]!.n;
  } finally {
    await c.end();
  }
  if (scale === PGBENCH_SCALE) return;
  const { args, env } = connArgs(url);
  await run('pgbench', [...args, '-i', '-q', '-s', String(PGBENCH_SCALE), DB], { env, maxBuffer: 16 * 1024 * 1024 });
}

/** pgbench TPC-B at `clients` connections for `seconds`, prepared statements, 2 threads. */
export async function pgbenchTps(url: string, clients: number, seconds: number): Promise<PgbenchResult> {
  await ensureInitialised(url);
  const { args, env } = connArgs(url);
  const argv = [...args, '-c', String(clients), '-j', '2', '-M', 'prepared', '-T', String(Math.max(1, Math.round(seconds))), DB];
  const { stdout } = await run('pgbench', argv, { env, maxBuffer: 16 * 1024 * 1024 });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!m) throw new Error(`could not read tps from pgbench's output: ${stdout.slice(-300)}`);
  return { tps: Number(m[1]), clients, seconds, command: `pgbench ${argv.filter((a) => a !== DB).join(' ')} (database ${DB}, scale ${PGBENCH_SCALE})` };
}
