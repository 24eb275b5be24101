// The sandbox's tables are its own (both drivers): the product's migrations make none of them,
// the sandbox's set makes them and records itself in its own table, and a database whose
// sandbox tables the product's migrations made before the move (in any older shape) ends in
// the same shape as a new one, its rows kept.
import { SANDBOX_MIGRATIONS } from '@chatcart/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../src/composition/ports.ts';
import { listMigrations, migrate, PRODUCT_MIGRATIONS } from '../../src/platform/store/migrate.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const sandboxTables = async (q: TestDb) =>
  (
    await q.query<{ t: string }>(
      `select table_name as t from information_schema.tables
        where table_schema = current_schema() and table_name like 'sandbox\\_%' order by table_name`,
    )
  ).map((r) => r.t);

const columnsOf = async (q: TestDb, table: string) =>
  (
    await q.query<{ c: string }>(
      `select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = $1 order by column_name`,
      [table],
    )
  ).map((r) => r.c);

describe("the sandbox's migrations", () => {
  it("are not the product's: a live database has no sandbox table; the sandbox's set adds them and records itself apart", async () => {
    db = await openTestDb({ migrated: false });
    await migrate(db, [PRODUCT_MIGRATIONS]);
    expect(await sandboxTables(db)).toEqual([]);

    expect(await migrate(db, ALL_MIGRATIONS)).toEqual(listMigrations(SANDBOX_MIGRATIONS).map((m) => m.name));
    expect(await sandboxTables(db)).toEqual(
      expect.arrayContaining(['sandbox_migrations', 'sandbox_psp_accounts', 'sandbox_psp_checkouts', 'sandbox_wa_messages', 'sandbox_wa_media']),
    );
    const product = (await db.query<{ name: string }>(`select name from chatcart_migrations`)).map((r) => r.name);
    expect(product).toEqual(listMigrations().map((m) => m.name));
    expect(await migrate(db, ALL_MIGRATIONS)).toEqual([]);
  });

  it('bring a database whose older product migrations made the sandbox tables to the current shape, rows kept', async () => {
    db = await openTestDb({ migrated: false });
    await migrate(db, [PRODUCT_MIGRATIONS]);
    // The tables as the product's migrations left them before 0021 (no bsuid, no username) and
    // 0031 (no event field, no template statuses), with a row: what an upgraded database has.
    for (const m of listMigrations(SANDBOX_MIGRATIONS)) await db.exec(m.sql);
    await db.exec(`
      drop index sandbox_wa_customers_bsuid;
      alter table sandbox_wa_customers drop column bsuid, drop column username;
      alter table sandbox_wa_events drop column field;
      alter table sandbox_wa_settings drop column template_statuses;
      drop table sandbox_wa_media;
      insert into sandbox_psp_accounts (id, merchant_id, key_id, key_secret, webhook_secret) values ('acc_1', 'mer_1', 'key_1', 's', 'w');
    `);

    expect(await migrate(db, ALL_MIGRATIONS)).toEqual(['0001_sandbox_tables.sql']);
    expect(await columnsOf(db, 'sandbox_wa_customers')).toEqual(expect.arrayContaining(['bsuid', 'username']));
    expect(await columnsOf(db, 'sandbox_wa_events')).toContain('field');
    expect(await columnsOf(db, 'sandbox_wa_settings')).toContain('template_statuses');
    expect(await columnsOf(db, 'sandbox_wa_media')).toContain('data');
    expect(await db.query(`select key_id from sandbox_psp_accounts`)).toEqual([{ key_id: 'key_1' }]);
  });
});
