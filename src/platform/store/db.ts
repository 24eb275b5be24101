// One database handle over PostgreSQL (pg) and embedded PGlite. Everything above
// store/ sees only `Db` and `Tx`, so the same SQL runs on both.
//
// PGlite has exactly one connection: a query on the root handle from inside a
// transaction callback deadlocks. Always pass `tx` down.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { DEFAULT_STATEMENT_NAME_LIMITS, type StatementNameLimits, StatementNames } from './statement-names.ts';

const insidePgliteTransaction = new AsyncLocalStorage<object>();

export type DbKind = 'pglite' | 'postgres';

export interface Queryable {
  readonly kind: DbKind;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Multi-statement SQL without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Tx = Queryable & { readonly inTransaction: true };

/** What the handle has done since it was opened: the cost of an operation, measured. */
export interface DbStats {
  /** Server sessions opened (PGlite: its one connection). */
  connectionsOpened: number;
  /** Statements sent, each one round trip (begin and commit included). */
  statements: number;
  /** Transactions committed. */
  commits: number;
}

/** Told when the handle swallows an error it cannot hand to a caller (an idle client's failure). */
export type DbWarn = (msg: string, err: unknown) => void;

export interface Db extends Queryable {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: a dedicated session (not one of the pool's) that LISTENs on `channel`
   * and calls `onNotify` with each payload; `onReconnect` after the session was lost and
   * opened again (notifications sent meanwhile are lost: listeners re-read). Undefined on
   * PGlite, where there is one process and wake-ups stay in it.
   */
  listen?(channel: string, onNotify: (payload: string) => void, onReconnect: () => void): Promise<{ close(): Promise<void> }>;
  /** PostgreSQL only: NOTIFY on a pool connection, in a transaction of its own. */
  notify?(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
  /** A snapshot of the counters (a copy: later work does not change it). */
  stats(): DbStats;
  /** Where the data lives, for messages (never contains a password). */
  readonly describe: string;
}

// Work to do once a transaction has committed (never if it rolls back): wake-ups that must
// not be seen before the change they announce is visible to other sessions.
const commitHooks = new WeakMap<object, (() => void)[]>();

/** Runs `fn` after `tx` commits (not if it rolls back). A hook that throws is ignored. */
export function afterCommit(tx: Tx, fn: () => void): void {
  const hooks = commitHooks.get(tx);
  if (hooks) hooks.push(fn);
  else commitHooks.set(tx, [fn]);
}

function committed(tx: object): void {
  const hooks = commitHooks.get(tx);
  if (!hooks) return;
  commitHooks.delete(tx);
  for (const fn of hooks) {
    try {
      fn();
    } catch {
      /* a wake-up is best effort: readers also poll */
    }
  }
}

// int8 arrives as a string from pg and as a number from PGlite. Amounts are bounded
// to 2^53 − 1, so a number is exact; anything larger is a bug we want to hear about.
function parseInt8(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
}
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** SQL without parameters that may change what a prepared statement returns. */
const SCHEMA_CHANGE = /^\s*(alter|create|drop|discard|deallocate)\b/i;

/** pg's per-connection record of the statements it has prepared (not in its typings). */
interface PgConnection {
  parsedStatements: Record<string, string>;
  submittedNamedStatements?: Record<string, string>;
}
function pgConnection(client: pg.PoolClient): PgConnection | undefined {
  const conn = (client as unknown as { connection?: PgConnection }).connection;
  return conn && typeof conn.parsedStatements === 'object' ? conn : undefined;
}

export async function openPostgres(url: string, opts: { max?: number; warn?: DbWarn; statementNames?: Partial<StatementNameLimits> } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: pgTypes });
  const stats: DbStats = { connectionsOpened: 0, statements: 0, commits: 0 };
  const warn: DbWarn = opts.warn ?? (() => {});
  pool.on('connect', () => {
    stats.connectionsOpened++;
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', (e) => warn('an idle PostgreSQL connection failed', e));
  // A statement that the server refused (syntax, constraint, type) leaves its session
  // healthy: give the client back. Only a broken connection is destroyed. (pg's
  // pool.query would destroy the client on any error: one bad statement per request
  // was one new PostgreSQL session per request.)
  const broken = new WeakMap<pg.PoolClient, Error>();
  const send = async (client: pg.PoolClient, sql: string | pg.QueryConfig, params?: readonly unknown[]) => {
    stats.statements++;
    try {
      return typeof sql === 'string' ? await client.query(sql, params as unknown[] | undefined) : await client.query(sql);
    } catch (e) {
      if (!(e instanceof pg.DatabaseError)) broken.set(client, e as Error);
      throw e;
    }
  };
  // Statements with parameters that recur are sent named, so each connection parses and
  // plans them once (statement-names.ts says which, and why the names are bounded).
  // A prepared statement outlives the schema it was planned for: after a column is added,
  // `select *` or `returning *` fails with "cached plan must not change result type", and a
  // DEALLOCATE/DISCARD by someone else leaves pg believing in a statement the server has
  // dropped. So: DDL sent through this handle (exec: the migrations; a query without
  // parameters that alters, creates or drops) starts a new generation, and a connection
  // whose statements are from an older one deallocates them all when next taken from the
  // pool, before any work (one round trip, only after DDL). DDL from elsewhere (another
  // process migrating) shows up as that error: outside a transaction the statement is sent
  // again unnamed and succeeds; inside one the transaction fails (it is aborted, there is
  // nothing to send again), and every connection drops its statements when next used, so
  // the failure happens once per connection in use at that moment, not per statement.
  const names = new StatementNames({ ...DEFAULT_STATEMENT_NAME_LIMITS, ...opts.statementNames });
  let generation = 0;
  const UNSURE = -1;
  const preparedIn = new WeakMap<pg.PoolClient, number>();
  const dropStale = async (client: pg.PoolClient) => {
    const at = preparedIn.get(client);
    if (at === generation) return;
    const current = generation;
    const conn = pgConnection(client);
    const prepared = conn ? Object.keys(conn.parsedStatements).length + Object.keys(conn.submittedNamedStatements ?? {}).length : 0;
    if (at === UNSURE || (at !== undefined && prepared > 0)) {
      await send(client, 'deallocate all');
      if (conn) {
        conn.parsedStatements = {};
        if (conn.submittedNamedStatements) conn.submittedNamedStatements = {};
      }
    }
    preparedIn.set(client, current);
  };
  const run = async (client: pg.PoolClient, sql: string, params?: readonly unknown[], inTx = false) => {
    if (!params?.length) {
      if (!SCHEMA_CHANGE.test(sql)) return send(client, sql, params);
      try {
        return await send(client, sql, params);
      } finally {
        generation++;
      }
    }
    const name = names.nameFor(sql);
    if (name === undefined) return send(client, sql, params);
    try {
      return await send(client, { name, text: sql, values: params as unknown[] });
    } catch (e) {
      if (!(e instanceof pg.DatabaseError)) throw e;
      if (e.code === '0A000' && /cached plan/.test(e.message)) generation++;
      // pg and the server disagree on what is prepared on this connection: start it afresh.
      else if (e.code === '26000' || e.code === '42P05') preparedIn.set(client, UNSURE);
      else throw e;
      if (inTx) throw e;
      return send(client, sql, params);
    }
  };
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await dropStale(client);
      return await fn(client);
    } finally {
      client.release(broken.get(client));
    }
  };
  /** Multi-statement SQL (the migrations): always counted as a schema change. */
  const execOn = async (client: pg.PoolClient, sql: string) => {
    try {
      await send(client, sql);
    } finally {
      generation++;
    }
  };
  const describe = redactUrl(url);
  return {
    kind: 'postgres',
    describe,
    query: <T>(sql: string, params?: readonly unknown[]) => withClient(async (c) => (await run(c, sql, params)).rows as T[]),
    exec: (sql) => withClient((c) => execOn(c, sql)),
    transaction: (fn) =>
      withClient(async (client) => {
        await run(client, 'begin');
        try {
          const tx: Tx = {
            kind: 'postgres',
            inTransaction: true,
            query: async <T>(sql: string, params?: readonly unknown[]) => (await run(client, sql, params, true)).rows as T[],
            exec: (sql) => execOn(client, sql),
          };
          const result = await fn(tx);
          await run(client, 'commit');
          stats.commits++;
          committed(tx);
          return result;
        } catch (e) {
          await run(client, 'rollback').catch((rollbackError) => warn('rollback failed', rollbackError));
          throw e;
        }
      }),
    close: () => pool.end(),
    stats: () => ({ ...stats }),
    listen: (channel, onNotify, onReconnect) => listenPostgres(url, channel, onNotify, onReconnect, warn),
    notify: (channel, payload) =>
      withClient(async (c) => {
        await run(c, 'select pg_notify($1, $2)', [channel, payload]);
      }),
  };
}

/** One LISTEN session, opened again (after a second) whenever it is lost, until closed. */
async function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onReconnect: () => void,
  warn: DbWarn,
): Promise<{ close(): Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const open = async (again: boolean) => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify(n.payload ?? '');
    });
    c.on('error', (e) => {
      warn('the LISTEN connection failed', e);
      c.end().catch(() => {});
      if (client === c && !closed) {
        client = undefined;
        retry = setTimeout(() => void open(true).catch(() => {}), 1000);
      }
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
    } catch (e) {
      c.end().catch(() => {});
      if (!again) throw e;
      warn('could not open the LISTEN connection again', e);
      if (!closed) retry = setTimeout(() => void open(true).catch(() => {}), 1000);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    if (again) onReconnect();
  };
  await open(false);
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

export interface PgliteDb extends Db {
  /** The whole database as a tarball, which `openPglite(undefined, { loadDataDir })` starts from. */
  dumpDataDir(): Promise<Blob>;
}

export async function openPglite(dataDir: string | undefined, opts: { loadDataDir?: Blob } = {}): Promise<PgliteDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  // Same int8 rule as pg: a number, or an error beyond 2^53 − 1 (PGlite would return a BigInt).
  const options = { parsers: { 20: parseInt8 }, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) };
  const lite = dataDir ? await PGlite.create(dataDir, options) : await PGlite.create(options);
  type Lite = Pick<typeof lite, 'query' | 'exec'>;
  // PGlite has one connection: the root handle used from inside a transaction's
  // callback waits for that transaction forever. Fail loudly instead of hanging.
  const guard = (inTx: boolean) => {
    if (!inTx && insidePgliteTransaction.getStore() === lite) {
      throw new Error('query on the root database handle inside a transaction (it would deadlock on PGlite): pass the transaction handle down');
    }
  };
  const stats: DbStats = { connectionsOpened: 1, statements: 0, commits: 0 };
  const wrap = <K extends boolean>(h: Lite, inTx: K) => ({
    kind: 'pglite' as const,
    inTransaction: inTx,
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      guard(inTx);
      stats.statements++;
      return (await h.query<T>(sql, params as unknown[] | undefined)).rows;
    },
    exec: async (sql: string) => {
      guard(inTx);
      stats.statements++;
      await h.exec(sql);
    },
  });
  return {
    ...wrap(lite, false),
    describe: dataDir ? `embedded PGlite at ${dataDir}` : 'embedded PGlite (in memory)',
    transaction: (fn) => {
      guard(false);
      let tx: Tx | undefined;
      return lite
        .transaction((t) => {
          stats.statements++; // begin
          tx = wrap(t, true) as Tx;
          return insidePgliteTransaction.run(lite, () => fn(tx!));
        })
        .then((result) => {
          stats.statements++;
          stats.commits++;
          if (tx) committed(tx);
          return result;
        });
    },
    close: () => lite.close(),
    stats: () => ({ ...stats }),
    dumpDataDir: () => lite.dumpDataDir('none'),
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}

/** True for errors that mean "a unique constraint said no", on both drivers. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && (constraint === undefined || err.constraint === constraint);
}
