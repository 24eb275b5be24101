// Chooses the database from config: PostgreSQL when DATABASE_URL is set, else
// embedded PGlite in CHATCART_DATA_DIR guarded by an exclusive lock, because two
// processes writing one PGlite folder silently lose rows.
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { openPglite, openPostgres, type Db } from './db.ts';
import { migrate } from './migrate.ts';

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
}

export async function openStore(opts: OpenStoreOptions): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    db = await openPostgres(opts.databaseUrl, { max: opts.poolSize ?? 10 });
  } else {
    const dir = path.resolve(opts.dataDir);
    fs.mkdirSync(dir, { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dir, {
        lockfilePath: path.join(dir, 'chatcart.lock'),
        realpath: false,
        retries: 0,
        // Creating a fresh PGlite folder blocks the event loop for seconds (much longer on a
        // loaded or small machine), so the lock cannot be refreshed meanwhile; a short stale
        // threshold let a second process take the lock over and the holder then crash.
        stale: 60_000,
        update: 10_000,
        onCompromised: opts.onLockCompromised ?? ((e) => {
          throw e;
        }),
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'ELOCKED') throw new DataDirInUseError(dir);
      throw e;
    }
    try {
      const inner = await openPglite(path.join(dir, 'pgdata'));
      db = { ...inner, close: async () => { await inner.close(); await release(); } };
    } catch (e) {
      await release();
      throw e;
    }
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
