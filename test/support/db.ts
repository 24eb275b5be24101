// A fresh database for one test file: in-memory PGlite by default, or a schema of
// its own in the PostgreSQL named by TEST_DATABASE_URL (CI runs the suite both ways).
import crypto from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../../src/platform/store/db.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { buildTemplate } from '../../src/platform/store/pglite-template.ts';
import { ALL_MIGRATIONS } from '../../src/composition/ports.ts';

export const pgUrl = process.env.TEST_DATABASE_URL;
export const dbKind = pgUrl ? 'postgres' : 'pglite';

/** A URL whose connections use `schema` as their search_path. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function createSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    url: urlWithSchema(url, schema),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

export interface TestDb extends Db {
  /** A URL other processes can use to reach the same data (PostgreSQL only). */
  url?: string;
}

/** A fresh test database with the product's tables and the sandbox doubles', migrated unless `migrated: false` (a test of a migration applies them itself). */
export async function openTestDb(opts: { migrated?: boolean } = {}): Promise<TestDb> {
  const migrated = opts.migrated !== false;
  if (!pgUrl) {
    if (!migrated) return openPglite(undefined);
    const db = await openPglite(undefined, { loadDataDir: await buildTemplate(ALL_MIGRATIONS) });
    await migrate(db, ALL_MIGRATIONS); // nothing to apply: proves the template is current
    return db;
  }
  const s = await createSchema(pgUrl);
  const db = await openPostgres(s.url, { max: 10 });
  if (migrated) await migrate(db, ALL_MIGRATIONS);
  return {
    ...db,
    url: s.url,
    close: async () => {
      await db.close();
      await s.drop();
    },
  };
}

/** True when a PostgreSQL server answers at the URL (for tests that need several processes). */
export async function postgresReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
