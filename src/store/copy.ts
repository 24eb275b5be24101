// Copies every chatcart table from one database into another (the embedded PGlite
// folder into PostgreSQL, for the day a shop goes live). Rows travel as JSON and are
// rebuilt with json_populate_recordset, so every column keeps its type. The target
// must be migrated and empty; the copy is one transaction: all or nothing.
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';

/** Parents before children, so foreign keys hold at every insert. */
export const TABLES_IN_ORDER = ['system_settings', 'merchants', 'api_keys', 'products', 'orders', 'payments', 'refunds', 'events', 'idempotency_keys', 'jobs'] as const;

const BATCH = 500;

export async function copyDatabase(from: Db, to: Db, opts: { onTable?: (table: string, rows: number) => void } = {}): Promise<Record<string, number>> {
  await migrate(to);
  const counts: Record<string, number> = {};
  await to.transaction(async (tx) => {
    const existing = await tx.query<{ n: number }>(`select count(*)::int as n from merchants`);
    if (existing[0]!.n > 0) throw new Error('the target database already has merchants; copy only into an empty chatcart database');
    await tx.query(`delete from system_settings`);
    for (const table of TABLES_IN_ORDER) {
      const rows = await from.query<Record<string, unknown>>(`select * from ${table}`);
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(rows.slice(i, i + BATCH))]);
      }
      counts[table] = rows.length;
      opts.onTable?.(table, rows.length);
    }
  });
  return counts;
}
