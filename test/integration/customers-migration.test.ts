// Migration 0021 on a used database (both drivers): the tables as they were before customers,
// with the rows a sandbox journey leaves (contacts with opt-outs and windows, orders, bookings,
// flow tokens, messages both ways; one number at two merchants), then the migration: one
// customer per (merchant, number), every row pointing at it, the contact's state carried over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
const A = 'mer_01aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'mer_01bbbbbbbbbbbbbbbbbbbbbbbb';
const SHARED = '919800000001';
const ONLY_ORDER = '919800000002';

beforeAll(async () => {
  db = await openTestDb({ migrated: false });
  await db.exec(`create table if not exists chatcart_migrations (name text primary key, applied_at timestamptz not null default now())`);
  for (const m of listMigrations().filter((m) => m.name < '0021')) {
    await db.exec(m.sql);
    await db.query(`insert into chatcart_migrations (name) values ($1)`, [m.name]);
  }
  await db.exec(`
    insert into merchants (id, name) values ('${A}', 'A'), ('${B}', 'B');
    insert into whatsapp_contacts (merchant_id, wa_id, name, last_inbound_at, opted_out_at, pair_tokens, created_at, updated_at)
      values ('${A}', '${SHARED}', 'Asha', '2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z', 3, '2026-02-01T00:00:00Z', now()),
             ('${B}', '${SHARED}', 'Asha at B', '2026-03-02T10:00:00Z', null, null, now(), now());
    insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, customer_wa_id, customer_name, goods_type, expires_at)
      values ('ord_1', '${A}', 'pending', 'unpaid', 'INR', '[]', 100, 100, '${SHARED}', 'Asha S', 'digital-goods', now()),
             ('ord_2', '${A}', 'pending', 'unpaid', 'INR', '[]', 100, 100, '${ONLY_ORDER}', 'Ravi', 'digital-goods', now()),
             ('ord_3', '${B}', 'pending', 'unpaid', 'INR', '[]', 100, 100, '${SHARED}', null, 'digital-goods', now());
    insert into booking_services (id, merchant_id, name, duration_minutes, slot_minutes, deposit, currency)
      values ('svc_1', '${A}', 'Haircut', 30, 30, 100, 'INR');
    insert into bookings (id, merchant_id, service_id, customer_wa_id, customer_name, starts_at, ends_at, time_zone, status, order_id)
      values ('bkg_1', '${A}', 'svc_1', '${ONLY_ORDER}', 'Ravi', now(), now() + interval '30 minutes', 'Asia/Kolkata', 'held', 'ord_2');
    insert into flow_tokens (token, merchant_id, wa_id, flow_name, status, expires_at)
      values ('flt_1', '${A}', '${SHARED}', 'order_food', 'active', now() + interval '1 day');
    insert into whatsapp_numbers (phone_number_id, merchant_id) values ('1001', '${A}');
    insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, type, payload, status)
      values ('msg_1', '${A}', '1001', '${SHARED}', 'in', 'text', '{}', 'received'),
             ('msg_2', '${A}', '1001', '${ONLY_ORDER}', 'out', 'text', '{}', 'sent');
  `);
  expect(await migrate(db)).toContain('0021_customers.sql');
});
afterAll(async () => {
  await db?.close();
});

const rows = <T>(sql: string, params: unknown[] = []) => db.query<T & Record<string, unknown>>(sql, params);

describe('0021_customers on a used database', () => {
  it('makes one customer per merchant and number, carrying the contact state over', async () => {
    const customers = await rows<{ id: string; merchant_id: string; wa_id: string }>(
      `select id, merchant_id, wa_id, bsuid, name, profile_name, opted_out_at, last_inbound_at, pair_tokens from customers order by merchant_id, wa_id`,
    );
    expect(customers.map((c) => [c.merchant_id, c.wa_id])).toEqual([
      [A, SHARED],
      [A, ONLY_ORDER],
      [B, SHARED],
    ]);
    for (const c of customers) expect(c.id).toMatch(/^cus_0[0-9a-f]{25}$/);
    expect(customers[0]).toMatchObject({ profile_name: 'Asha', bsuid: null, pair_tokens: 3 });
    expect(customers[0]!['opted_out_at']).toBeTruthy();
    expect(customers[1]).toMatchObject({ profile_name: null, name: 'Ravi' });
    expect(customers[2]).toMatchObject({ profile_name: 'Asha at B' });
    expect(new Set(customers.map((c) => c.id)).size).toBe(3);
  });

  it('points every order, booking, flow token and message at its customer', async () => {
    const byKey = new Map(
      (await rows<{ id: string; merchant_id: string; wa_id: string }>(`select id, merchant_id, wa_id from customers`)).map((c) => [
        `${c.merchant_id}:${c.wa_id}`,
        c.id,
      ]),
    );
    for (const [table, waCol] of [
      ['orders', 'customer_wa_id'],
      ['bookings', 'customer_wa_id'],
      ['flow_tokens', 'wa_id'],
      ['whatsapp_messages', 'wa_id'],
    ] as const) {
      const got = await rows<{ merchant_id: string; wa: string; customer_id: string | null }>(`select merchant_id, ${waCol} as wa, customer_id from ${table}`);
      expect(got.length, table).toBeGreaterThan(0);
      for (const r of got) expect(r.customer_id, `${table} ${r.wa}`).toBe(byKey.get(`${r.merchant_id}:${r.wa}`));
    }
  });

  it('drops whatsapp_contacts and lets new rows go without a phone', async () => {
    const left = await rows<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_name = 'whatsapp_contacts' and table_schema = current_schema()`,
    );
    expect(left[0]!.n).toBe(0);
    await db.query(`insert into customers (id, merchant_id, bsuid) values ('cus_x', $1, 'IN.ABC123')`, [A]);
    await db.query(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, customer_id, direction, type, payload, status) values ('msg_x', $1, '1001', 'cus_x', 'in', 'text', '{}', 'received')`,
      [A],
    );
    await expect(db.query(`insert into customers (id, merchant_id, bsuid) values ('cus_y', $1, 'IN.ABC123')`, [A])).rejects.toThrow();
  });
});
