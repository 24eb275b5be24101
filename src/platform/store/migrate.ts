// Plain-SQL migrations, the same files for PostgreSQL and PGlite, applied in name
// order inside one transaction. The transaction-scoped advisory lock keeps two
// processes starting together from applying the same file twice.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export function listMigrations(): { name: string; sql: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(727274001)`);
    await tx.exec(`create table if not exists chatcart_migrations (
      name text primary key, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.query<{ name: string }>(`select name from chatcart_migrations`)).map((r) => r.name));
    for (const m of listMigrations()) {
      if (done.has(m.name)) continue;
      await tx.exec(m.sql);
      await tx.query(`insert into chatcart_migrations (name) values ($1)`, [m.name]);
      applied.push(m.name);
    }
  });
  return applied;
}
