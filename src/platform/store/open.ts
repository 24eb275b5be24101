// Chooses the database from config: PostgreSQL when DATABASE_URL is set, else
// embedded PGlite in CHATCART_DATA_DIR guarded by an exclusive lock, because two
// processes writing one PGlite folder silently lose rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { openPglite, openPostgres, type Db, type DbWarn } from './db.ts';
import { migrate, PRODUCT_MIGRATIONS, type MigrationSet } from './migrate.ts';
import { readTemplate } from './pglite-template.ts';

export class DataDirInUseError extends Error {
  constructor(dir: string) {
    super(
      `the embedded database in ${dir} is in use by another chatcart process; stop it first ` +
        `(or set DATABASE_URL to share a PostgreSQL database between processes)`,
    );
  }
}

export interface OpenStoreOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Called if the PGlite lock is lost while running (clock jump, folder removed). */
  onLockCompromised?: (e: Error) => void;
  poolSize?: number;
  /** PostgreSQL: send recurring statements as named prepared statements (statement-names.ts). */
  preparedStatements?: boolean;
  /** Errors the handle swallows (an idle connection that failed) are told here. */
  warn?: DbWarn;
  /** The migrations to apply (the composition root adds the sandbox's in sandbox mode); the product's alone when not given. */
  migrations?: readonly MigrationSet[];
}

export async function openStore(opts: OpenStoreOptions): Promise<Db> {
  const migrations = opts.migrations ?? [PRODUCT_MIGRATIONS];
  let db: Db;
  if (opts.databaseUrl) {
    db = await openPostgres(opts.databaseUrl, {
      max: opts.poolSize ?? 10,
      ...(opts.warn ? { warn: opts.warn } : {}),
      ...(opts.preparedStatements ? {} : { statementNames: { maxNamed: 0 } }),
    });
  } else {
    const dir = path.resolve(opts.dataDir);
    fs.mkdirSync(dir, { recursive: true });
    const release = await lockDataDir(dir, opts.onLockCompromised);
    try {
      const pgdata = path.join(dir, 'pgdata');
      // A new folder starts from the migrated template when there is one (seconds instead of initdb).
      const template = isEmptyDir(pgdata) ? readTemplate(migrations) : undefined;
      const inner = await openPglite(pgdata, template ? { loadDataDir: template } : {});
      db = {
        ...inner,
        close: async () => {
          await inner.close();
          await release();
        },
      };
    } catch (e) {
      await release();
      throw e;
    }
  }
  try {
    await migrate(db, migrations);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true; // absent
  }
}

interface LockOwner {
  pid: number;
  host: string;
}

function ownerFile(dir: string): string {
  return path.join(dir, 'chatcart.lock.owner');
}

function readOwner(dir: string): LockOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(ownerFile(dir), 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

/** True only when the holder is known dead: it ran on this host and its pid is gone. */
function ownerIsDead(o: LockOwner | undefined): boolean {
  if (!o || o.host !== os.hostname()) return false;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function lockDataDir(dir: string, onCompromised: ((e: Error) => void) | undefined): Promise<() => Promise<void>> {
  const lockfilePath = path.join(dir, 'chatcart.lock');
  const take = () =>
    lockfile.lock(dir, {
      lockfilePath,
      realpath: false,
      retries: 0,
      // Creating a fresh PGlite folder blocks the event loop for seconds (much longer on a
      // loaded or small machine), so the lock cannot be refreshed meanwhile; a short stale
      // threshold let a second process take the lock over and the holder then crash.
      stale: 60_000,
      update: 10_000,
      onCompromised:
        onCompromised ??
        ((e) => {
          throw e;
        }),
    });
  // Every opener passes through a short-lived gate, so "take the lock, or take over a dead
  // holder's lock, and record the owner" is one step: two processes starting after a crash
  // cannot both remove the old lock and both hold a new one.
  const gate = await lockfile.lock(path.join(dir, 'chatcart.gate'), {
    lockfilePath: path.join(dir, 'chatcart.lock.gate'),
    realpath: false,
    stale: 10_000,
    retries: { retries: 40, minTimeout: 50, maxTimeout: 250 },
  });
  try {
    let release: () => Promise<void>;
    try {
      release = await take();
    } catch (e) {
      if ((e as { code?: string }).code !== 'ELOCKED') throw e;
      // A holder killed with -9 leaves its lock behind until it goes stale (60 s). Its pid,
      // recorded beside the lock, says at once whether it is gone; a pid reused by another
      // process only means waiting for staleness as before.
      if (!ownerIsDead(readOwner(dir))) throw new DataDirInUseError(dir);
      fs.rmSync(lockfilePath, { recursive: true, force: true });
      release = await take();
    }
    fs.writeFileSync(ownerFile(dir), JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies LockOwner));
    return release;
  } finally {
    await gate();
  }
}
