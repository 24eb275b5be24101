// Migration 0029 on a used database (both drivers): messages sent before it name their upload
// only by its link; the migration records the upload's id in them (payload.upload_id), so the
// retention purge keeps what they name. A redacted message, an inbound one and another
// merchant's message are left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
const A = 'mer_01aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'mer_01bbbbbbbbbbbbbbbbbbbbbbbb';
const TOKEN = 'tok_a'.padEnd(43, 'x');
const link = (t: string) => JSON.stringify({ body: { type: 'image', image: { link: `https://shop.example/media/${t}` } }, purpose: 'message' });

beforeAll(async () => {
  db = await openTestDb({ migrated: false });
  await db.exec(`create table if not exists chatcart_migrations (name text primary key, applied_at timestamptz not null default now())`);
  for (const m of listMigrations().filter((m) => m.name < '0029')) {
    await db.exec(m.sql);
    await db.query(`insert into chatcart_migrations (name) values ($1)`, [m.name]);
  }
  await db.exec(`
    insert into merchants (id, name) values ('${A}', 'A'), ('${B}', 'B');
    insert into whatsapp_numbers (phone_number_id, merchant_id) values ('1001', '${A}'), ('1002', '${B}');
    insert into media_uploads (id, merchant_id, kind, mime_type, size, sha256, token, data, created_at)
      values ('upl_a', '${A}', 'image', 'image/png', 3, 'h', '${TOKEN}', '\\x010203', now()),
             ('upl_unsent', '${A}', 'image', 'image/png', 3, 'h', 'other-token', '\\x010203', now());
  `);
  await db.query(
    `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, type, payload, status, redacted_at) values
       ('msg_sent', $1, '1001', '919800000001', 'out', 'image', $3::jsonb, 'sent', null),
       ('msg_redacted', $1, '1001', '919800000001', 'out', 'image', '{"purpose":"message","redacted":true}', 'sent', now()),
       ('msg_in', $1, '1001', '919800000001', 'in', 'text', $4::jsonb, 'received', null),
       ('msg_other', $2, '1002', '919800000001', 'out', 'image', $3::jsonb, 'sent', null)`,
    [A, B, link(TOKEN), JSON.stringify({ text: { body: `look: https://shop.example/media/${TOKEN}` } })],
  );
  expect(await migrate(db)).toContain('0029_retention_more.sql');
});
afterAll(async () => {
  await db?.close();
});

describe('migration 0029', () => {
  it("records which upload a message sent before it names, and only that merchant's outgoing ones", async () => {
    const rows = await db.query<{ id: string; upload_id: string | null }>(`select id, payload->>'upload_id' as upload_id from whatsapp_messages order by id`);
    expect(rows).toEqual([
      { id: 'msg_in', upload_id: null },
      { id: 'msg_other', upload_id: null },
      { id: 'msg_redacted', upload_id: null },
      { id: 'msg_sent', upload_id: 'upl_a' },
    ]);
    expect((await db.query(`select 1 from stream_horizons`)).length).toBe(0);
  });
});
