// Planner statistics on the embedded database. PostgreSQL's autovacuum keeps them current;
// PGlite has no autovacuum, so a table filled since the last ANALYZE is planned as if it were
// nearly empty (a reconciliation of 360,000 rows took over 20 minutes instead of 30 seconds:
// hash joins over whole tables where one index lookup per row would do). The hourly
// maintenance job refreshes them there.
import type { AppContext } from '../../platform/context.ts';
import { analyzeTables } from './health.repository.ts';

export async function refreshPlannerStatistics(ctx: AppContext): Promise<boolean> {
  if (ctx.db.kind !== 'pglite') return false;
  await analyzeTables(ctx.db);
  return true;
}
