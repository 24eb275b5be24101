// PGlite has no autovacuum: the hourly maintenance refreshes the planner's statistics there
// (a bulk-filled table is otherwise planned as nearly empty), and leaves PostgreSQL to its
// autovacuum.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshPlannerStatistics } from '../../src/modules/ops/index.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { dbKind, openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
});
afterAll(async () => {
  await db?.close();
});

const analyzedRows = async () =>
  Number(
    (
      await db.query<{ n: string }>(
        `select reltuples::bigint as n from pg_class where relname = 'rate_buckets' and relkind = 'r' and relnamespace = to_regnamespace(current_schema())`,
      )
    )[0]!.n,
  );

describe('planner statistics', () => {
  it(dbKind === 'pglite' ? 'are refreshed on PGlite by the maintenance' : 'are left to autovacuum on PostgreSQL', async () => {
    await db.query(`insert into rate_buckets (key, tokens, refilled_at) select 'stats-' || i, 1, now() from generate_series(1, 2000) i`);
    const refreshed = await refreshPlannerStatistics(ctx);
    expect(refreshed).toBe(dbKind === 'pglite');
    if (refreshed) expect(await analyzedRows()).toBeGreaterThanOrEqual(2000);
  });
});
