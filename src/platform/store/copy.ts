// Copies every chatcart table from one database into another (the embedded PGlite
// folder into PostgreSQL, for the day a shop goes live). The tables come from the
// catalog, parents before children by their foreign keys, so a new migration's
// tables are copied without touching this file. Rows travel as JSON and are
// rebuilt with json_populate_recordset, so every column keeps its type. Identity
// columns (the Cloud API double's seq) keep their values (OVERRIDING SYSTEM VALUE) and
// their sequences then continue after the largest copied value. The target must be
// migrated and empty; the copy is one transaction: all or nothing.
import type { Db, Queryable } from './db.ts';
import { migrate, PRODUCT_MIGRATIONS, type MigrationSet } from './migrate.ts';

const BATCH = 500;
/** A batch also ends once its JSON passes this size (rows of stored report chunks are 1 MiB each). */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * A row as JSON; a bytea value (a Buffer from pg, a Uint8Array from PGlite) as PostgreSQL's
 * hex text `\x…`, which json_populate_recordset reads back as the same bytes.
 */
function rowJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Uint8Array ? `\\x${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex')}` : value;
  });
}

/** The rows as JSON arrays of at most BATCH rows and about BATCH_BYTES each. */
function* jsonBatches(rows: readonly Record<string, unknown>[]): Generator<string> {
  let parts: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const json = rowJson(row);
    parts.push(json);
    bytes += json.length;
    if (parts.length >= BATCH || bytes >= BATCH_BYTES) {
      yield `[${parts.join(',')}]`;
      parts = [];
      bytes = 0;
    }
  }
  if (parts.length) yield `[${parts.join(',')}]`;
}
/** The tables of the current schema, each after the tables it references; not the migrator's bookkeeping (the target has its own). */
export async function tablesInDependencyOrder(q: Queryable, sets: readonly MigrationSet[] = [PRODUCT_MIGRATIONS]): Promise<string[]> {
  const bookkeeping = new Set(sets.map((set) => set.table));
  const tables = (
    await q.query<{ t: string }>(
      `select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
    )
  )
    .map((r) => r.t)
    .filter((t) => !bookkeeping.has(t));
  const deps = await q.query<{ child: string; parent: string }>(
    `select tc.table_name as child, ccu.table_name as parent
       from information_schema.table_constraints tc
       join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`,
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const d of deps) if (d.child !== d.parent) parents.get(d.child)?.add(d.parent);
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const p of parents.get(t) ?? []) visit(p);
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

/** The columns a sequence numbers (identity or serial), by table, with that sequence. */
export async function sequencedColumns(q: Queryable): Promise<Map<string, { column: string; sequence: string; identity: boolean }[]>> {
  const rows = await q.query<{ t: string; c: string; seq: string | null; identity: boolean }>(
    `select table_name as t, column_name as c, is_identity = 'YES' as identity,
            pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) as seq
       from information_schema.columns
      where table_schema = current_schema() and (is_identity = 'YES' or column_default like 'nextval(%')
      order by table_name, column_name`,
  );
  const out = new Map<string, { column: string; sequence: string; identity: boolean }[]>();
  for (const r of rows) {
    if (!r.seq) continue;
    out.set(r.t, [...(out.get(r.t) ?? []), { column: r.c, sequence: r.seq, identity: r.identity }]);
  }
  return out;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function copyDatabase(
  from: Db,
  to: Db,
  opts: { onTable?: (table: string, rows: number) => void; migrations?: readonly MigrationSet[] } = {},
): Promise<Record<string, number>> {
  const sets = opts.migrations ?? [PRODUCT_MIGRATIONS];
  await migrate(to, sets);
  const counts: Record<string, number> = {};
  const tables = await tablesInDependencyOrder(from, sets);
  await to.transaction(async (tx) => {
    const existing = await tx.query<{ n: number }>(`select count(*)::int as n from merchants`);
    if (existing[0]!.n > 0) throw new Error('the target database already has merchants; copy only into an empty chatcart database');
    await tx.query(`delete from system_settings`);
    const sequenced = await sequencedColumns(tx);
    for (const table of tables) {
      const columns = sequenced.get(table) ?? [];
      // A `generated always` identity column takes a given value only when told to.
      const overriding = columns.some((c) => c.identity) ? ' overriding system value' : '';
      // Deliveries of the sandbox doubles mean nothing outside the sandbox that made them.
      const rows = await from.query<Record<string, unknown>>(
        table === 'jobs' ? `select * from jobs where kind not like 'sandbox\\_%'` : `select * from ${table}`,
      );
      for (const json of jsonBatches(rows)) {
        await tx.query(`insert into ${table}${overriding} select * from json_populate_recordset(null::${table}, $1::json)`, [json]);
      }
      // The next value a sequence hands out follows the largest copied one (or starts afresh).
      for (const c of columns) {
        await tx.query(`select setval($1::regclass, coalesce(max(${ident(c.column)}), 1), max(${ident(c.column)}) is not null) from ${table}`, [c.sequence]);
      }
      counts[table] = rows.length;
      opts.onTable?.(table, rows.length);
    }
    // Transaction ids (xid8: the live stream's positions, migration 0027) are the source
    // database's own: in the target they could lie ahead of its counter and hold the stream
    // back. Copied rows are older than any stream of the target: position 0.
    const xids = await tx.query<{ t: string; c: string }>(
      `select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema() and data_type = 'xid8' order by 1, 2`,
    );
    for (const x of xids) await tx.query(`update ${ident(x.t)} set ${ident(x.c)} = '0' where ${ident(x.c)} <> '0'`);
  });
  return counts;
}
