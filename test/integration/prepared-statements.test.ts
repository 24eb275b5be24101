// Named prepared statements on the PostgreSQL handle (db.ts, statement-names.ts): a recurring
// text is prepared once per connection, dynamic texts cannot grow the prepared statements
// without bound, and a schema change (ours or another session's) does not leave a stale plan
// failing statements. PostgreSQL only: PGlite sends every statement as before.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Db } from '../../src/platform/store/db.ts';
import { openStore } from '../../src/platform/store/open.ts';
import { createSchema, pgUrl } from '../support/db.ts';

describe.skipIf(!pgUrl)('prepared statements (PostgreSQL)', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>;
  const opened: Db[] = [];
  /** One connection, so pg_prepared_statements shows what the handle prepared. */
  const open = async (limits: { prepareAfter?: number; maxNamed?: number } = {}) => {
    const db = await openPostgres(schema.url, { max: 1, statementNames: limits });
    opened.push(db);
    return db;
  };
  const prepared = async (db: Db) =>
    (await db.query<{ statement: string }>(`select statement from pg_prepared_statements order by statement`)).map((r) => r.statement);

  beforeAll(async () => {
    schema = await createSchema(pgUrl!);
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await schema?.drop();
  });

  it('names a text with parameters once it recurs, and counts every statement as before', async () => {
    const db = await open({ prepareAfter: 3 });
    const sql = `select $1::int + 1 as n`;
    for (let i = 0; i < 2; i++) expect(await db.query(sql, [i])).toEqual([{ n: i + 1 }]);
    expect(await prepared(db)).toEqual([]);
    const before = db.stats();
    for (let i = 0; i < 5; i++) expect(await db.query(sql, [i])).toEqual([{ n: i + 1 }]);
    expect(await prepared(db)).toEqual([sql]);
    expect(db.stats().statements - before.statements).toBe(6); // five queries and the look at pg_prepared_statements
    // Without parameters: never named.
    for (let i = 0; i < 5; i++) await db.query(`select 1 as one`);
    expect(await prepared(db)).toEqual([sql]);
    expect(db.stats().connectionsOpened).toBe(1);
  });

  it("are off in the product's store unless DATABASE_PREPARED_STATEMENTS turns them on", async () => {
    const sql = `select $1::int * 2 as n`;
    for (const on of [false, true]) {
      const db = await openStore({ databaseUrl: schema.url, dataDir: '', poolSize: 1, preparedStatements: on });
      opened.push(db);
      for (let i = 0; i < 5; i++) expect(await db.query(sql, [i])).toEqual([{ n: i * 2 }]);
      expect(await prepared(db)).toEqual(on ? [sql] : []);
    }
  });

  it('prepares at most maxNamed distinct texts, however many dynamic texts recur', async () => {
    const db = await open({ prepareAfter: 2, maxNamed: 3 });
    for (let round = 0; round < 4; round++) {
      for (let rows = 1; rows <= 10; rows++) {
        const values = Array.from({ length: rows }, (_, i) => `($${i + 1}::int)`).join(', ');
        const got = await db.query<{ v: number }>(
          `select v from (values ${values}) t(v)`,
          Array.from({ length: rows }, (_, i) => i),
        );
        expect(got.map((r) => r.v)).toEqual(Array.from({ length: rows }, (_, i) => i));
      }
    }
    expect(await prepared(db)).toHaveLength(3);
  });

  it('a statement that fails keeps failing the same way, on a healthy connection', async () => {
    const db = await open({ prepareAfter: 1 });
    await db.exec(`create table fails (id int primary key)`);
    await db.query(`insert into fails (id) values ($1)`, [1]);
    for (let i = 0; i < 3; i++) {
      await expect(db.query(`insert into fails (id) values ($1)`, [1])).rejects.toMatchObject({ code: '23505' });
      await expect(db.query(`select nope from fails where id = $1`, [1])).rejects.toMatchObject({ code: '42703' });
    }
    await db.query(`insert into fails (id) values ($1)`, [2]);
    expect(await db.query(`select id from fails where id > $1 order by id`, [0])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(db.stats().connectionsOpened).toBe(1);
  });

  it('a schema change through the handle: the next statements see the new columns', async () => {
    const db = await open({ prepareAfter: 1 });
    await db.exec(`create table widened (id int primary key, a text)`);
    await db.query(`insert into widened (id, a) values ($1, $2)`, [1, 'x']);
    const read = `select * from widened where id = $1`;
    expect(await db.query(read, [1])).toEqual([{ id: 1, a: 'x' }]);
    await db.exec(`alter table widened add column b int not null default 7`);
    expect(await db.query(read, [1])).toEqual([{ id: 1, a: 'x', b: 7 }]);
    expect(await db.transaction((tx) => tx.query(read, [1]))).toEqual([{ id: 1, a: 'x', b: 7 }]);
    // As a query without parameters (tests, tools) too.
    await db.query(`alter table widened add column c int not null default 8`);
    expect(await db.transaction((tx) => tx.query(read, [1]))).toEqual([{ id: 1, a: 'x', b: 7, c: 8 }]);
  });

  it('a schema change by another session: a query is sent again, a transaction fails once and the next succeeds', async () => {
    const db = await open({ prepareAfter: 1 });
    await db.exec(`create table elsewhere (id int primary key, a text)`);
    await db.query(`insert into elsewhere (id, a) values ($1, $2)`, [1, 'x']);
    const read = `select * from elsewhere where id = $1`;
    expect(await db.query(read, [1])).toEqual([{ id: 1, a: 'x' }]);
    const other = new pg.Client({ connectionString: schema.url });
    await other.connect();
    try {
      await other.query(`alter table elsewhere add column b int not null default 7`);
      expect(await db.query(read, [1])).toEqual([{ id: 1, a: 'x', b: 7 }]);
      expect(await db.query(read, [1])).toEqual([{ id: 1, a: 'x', b: 7 }]); // prepared again, with b
      await other.query(`alter table elsewhere add column c int not null default 8`);
      await expect(db.transaction((tx) => tx.query(read, [1]))).rejects.toMatchObject({ code: '0A000' });
      expect(await db.transaction((tx) => tx.query(read, [1]))).toEqual([{ id: 1, a: 'x', b: 7, c: 8 }]);
    } finally {
      await other.end();
    }
    expect(db.stats().connectionsOpened).toBe(1);
  });
});
