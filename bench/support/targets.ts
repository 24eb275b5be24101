// The databases a benchmark runs against, each as a real chatcart server (HTTP + job workers in
// one process, as `chatcart start` runs it) on a loopback port with a fresh sandbox demo merchant:
// - pglite: the embedded setup, in a temporary CHATCART_DATA_DIR removed afterwards;
// - postgres: a fresh schema in BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
//   dropped afterwards; skipped with a note when the server does not answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../src/platform/context.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/main.ts';
import { createSchema, postgresReachable } from '../../test/support/db.ts';

export interface BenchServer {
  url: string;
  apiKey: string;
  merchantId: string;
  /** Where the data lives, for the report. */
  describe: string;
  /** The server's context (its database, clock): for benchmarks that set up state or wait on it directly. */
  ctx: AppContext;
}

export interface Target {
  name: 'pglite' | 'postgres';
  /** Starts a server, runs fn, and always cleans up (server, temp dir, schema). A string is a skip note. */
  withServer<T>(fn: (s: BenchServer) => Promise<T>): Promise<T | { skipped: string }>;
}

/** Environment for a benchmark server: quiet, jobs on, a rate limit the load never reaches. */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    CHATCART_MODE: 'sandbox',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    CHATCART_JOBS: 'on',
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    // Sizing knobs pass through, so a run can compare them (docs/operations.md, sizing).
    ...Object.fromEntries(
      ['DATABASE_POOL_SIZE', 'DATABASE_PREPARED_STATEMENTS', 'CHATCART_WORKER_CONCURRENCY', 'CHATCART_POLL_MS'].flatMap((k) =>
        process.env[k] ? [[k, process.env[k]!]] : [],
      ),
    ),
    ...extra,
  };
}

// Cleanups still pending, so that Ctrl-C does not leave temp dirs or schemas behind.
const pending = new Set<() => Promise<void>>();
let sigintInstalled = false;
function track(cleanup: () => Promise<void>): () => Promise<void> {
  if (!sigintInstalled) {
    sigintInstalled = true;
    process.once('SIGINT', () => {
      console.error('\ninterrupted: cleaning up');
      void Promise.allSettled([...pending].map((c) => c())).finally(() => process.exit(130));
    });
  }
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pending.delete(once);
    await cleanup();
  };
  pending.add(once);
  return once;
}

async function serve<T>(env: Record<string, string>, describe: string, fn: (s: BenchServer) => Promise<T>): Promise<T> {
  const running = await startServer(loadConfig(benchEnv(env)));
  try {
    if (!running.demo) throw new Error('no demo merchant was created: the database was not fresh');
    return await fn({ url: running.url, apiKey: running.demo.apiKey, merchantId: running.demo.merchantId, describe, ctx: running.ctx });
  } finally {
    await running.close();
  }
}

export const pgliteTarget: Target = {
  name: 'pglite',
  async withServer(fn) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-bench-'));
    const cleanup = track(async () => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      return await serve({ CHATCART_DATA_DIR: dir }, `embedded PGlite in a temp dir (${dir}, removed afterwards)`, fn);
    } finally {
      await cleanup();
    }
  },
};

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export const postgresTarget: Target = {
  name: 'postgres',
  async withServer(fn) {
    const url = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
    const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    if (!(await postgresReachable(url))) return { skipped: `PostgreSQL at ${shown} is not reachable (set BENCH_DATABASE_URL)` };
    const schema = await createSchema(url);
    const cleanup = track(() => schema.drop());
    try {
      const name = new URL(schema.url).searchParams.get('options')?.split('=')[1] ?? '?';
      return await serve({ DATABASE_URL: schema.url }, `PostgreSQL ${shown}, fresh schema ${name} (dropped afterwards)`, fn);
    } finally {
      await cleanup();
    }
  },
};

/** BENCH_TARGETS=postgres (or pglite) runs one database only: a quicker loop while working on it. */
const only = (process.env.BENCH_TARGETS ?? '').split(',').filter(Boolean);
export const TARGETS: Target[] = [pgliteTarget, postgresTarget].filter((t) => only.length === 0 || only.includes(t.name));
