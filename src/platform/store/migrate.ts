// Plain-SQL migrations, the same files for PostgreSQL and PGlite, applied in name order
// inside one transaction. The transaction-scoped advisory lock keeps two processes starting
// together from applying the same file twice.
//
// Migrations come in sets, each with its own folder and its own bookkeeping table: the
// product's, and those of a package the composition root wires in (the sandbox's doubles
// keep their tables to themselves). The platform knows no set but the product's.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

export interface MigrationSet {
  /** Where the `NNNN_name.sql` files are. */
  readonly dir: string;
  /** The table that records which of them were applied. */
  readonly table: string;
}

export const PRODUCT_MIGRATIONS: MigrationSet = {
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  table: 'chatcart_migrations',
};

export function listMigrations(set: MigrationSet = PRODUCT_MIGRATIONS): { name: string; sql: string }[] {
  return fs
    .readdirSync(set.dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(set.dir, name), 'utf8') }));
}

/** Applies what is new of each set, in the order given; returns the names applied. */
export async function migrate(db: Db, sets: readonly MigrationSet[] = [PRODUCT_MIGRATIONS]): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(727274001)`);
    for (const set of sets) {
      if (!/^[a-z_]+$/.test(set.table)) throw new Error(`bad migrations table name ${set.table}`);
      await tx.exec(`create table if not exists ${set.table} (
        name text primary key, applied_at timestamptz not null default now())`);
      const done = new Set((await tx.query<{ name: string }>(`select name from ${set.table}`)).map((r) => r.name));
      for (const m of listMigrations(set)) {
        if (done.has(m.name)) continue;
        await tx.exec(m.sql);
        await tx.query(`insert into ${set.table} (name) values ($1)`, [m.name]);
        applied.push(m.name);
      }
    }
  });
  return applied;
}
