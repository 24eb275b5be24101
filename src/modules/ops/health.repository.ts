import type { Queryable } from '../../platform/store/db.ts';

/** One round trip to the database: it answers, or this throws. */
export async function pingDatabase(q: Queryable): Promise<void> {
  await q.query('select 1');
}

/** Refreshes the planner's statistics of every table (what autovacuum does on PostgreSQL). */
export async function analyzeTables(q: Queryable): Promise<void> {
  await q.query('analyze');
}
