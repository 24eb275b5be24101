// copyDatabase: an in-memory PGlite full of data into the test database, compared
// row by row and table by table; and the same after a sandbox server was used for real.
import { ALL_MIGRATIONS } from '../../src/composition/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { inTransaction } from '../../src/platform/context.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { cancelOrder } from '../../src/modules/orders/orders.change.ts';
import { createOrder } from '../../src/modules/orders/orders.create.ts';
import { newId } from '../../src/domain/ids.ts';
import { copyDatabase, tablesInDependencyOrder } from '../../src/platform/store/copy.ts';
import { openPglite, type Db } from '../../src/platform/store/db.ts';
import { appendEvent } from '../../src/modules/events/events.repository.ts';
import { reserveKey, completeKey } from '../../src/platform/http/idempotency.repository.ts';
import { enqueueJob } from '../../src/platform/jobs/jobs.repository.ts';
import { initSystemSetting } from '../../src/modules/merchants/merchants.repository.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import type { OrderRow } from '../../src/modules/orders/orders.repository.ts';
import { insertProduct } from '../../src/modules/catalog/products.repository.ts';
import { insertFileChunk } from '../../src/modules/reconciliation/reconciliation-files.repository.ts';
import { testContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let source: Db;
let target: TestDb;
let counts: Record<string, number>;
const reported: [string, number][] = [];

// The tables this test fills; every other table is checked for its count.
const FILLED = [
  'system_settings',
  'merchants',
  'api_keys',
  'products',
  'orders',
  'payments',
  'refunds',
  'events',
  'idempotency_keys',
  'jobs',
  'whatsapp_numbers',
  'reconciliation_file_chunks',
] as const;
let TABLES: string[] = [];
const CHUNK = Buffer.concat([Buffer.from('id,amount\n'), Buffer.from([0x00, 0xff, 0x0a, 0xe2, 0x82])]);
// Bytes compared as hex: pg gives a Buffer, PGlite a Uint8Array, for the same bytea.
const hexBytes = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? `\\x${Buffer.from(v).toString('hex')}` : v]));
// tx_id (xid8, the live stream's position) is the database's own transaction id: the copy
// sets it to 0 (tested below), so it is left out of the row-for-row comparison.
const all = async (db: Db, table: string) =>
  (await db.query<Record<string, unknown>>(`select * from ${table}`))
    .map(({ tx_id: _tx, ...row }) => hexBytes(row))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function fill(db: Db): Promise<void> {
  const ctx = testContext(db);
  await initSystemSetting(db, 'sandbox_encryption_key', 'c2VjcmV0');
  await initSystemSetting(db, 'feature', { on: true, list: [1, 2] });
  for (const name of ['Alpha', 'Beta']) {
    const { merchant } = await db.transaction((tx) => onboardMerchant(ctx, tx, name));
    ctx.clock.advance(1234);
    // A stored report chunk: raw bytes (a NUL, a byte that is not UTF-8, a cut multi-byte character).
    await insertFileChunk(db, { uploadId: `upl_${name}`, seq: 1, merchantId: merchant.id, data: CHUNK, now: ctx.clock.now() });
    await insertProduct(db, {
      id: newId('prd'),
      merchant_id: merchant.id,
      retailer_id: `sku-${name}`,
      name: `${name} tea`,
      description: 'Strong "quoted" ✓',
      price: 9007199254740991,
      currency: 'INR',
      image_url: null,
      active: false,
      now: ctx.clock.now(),
    });
    await insertProduct(db, {
      id: newId('prd'),
      merchant_id: merchant.id,
      retailer_id: `sku2-${name}`,
      name: 'Cheap',
      description: null,
      price: 1,
      currency: 'INR',
      image_url: 'https://example.com/a.png',
      active: true,
      now: ctx.clock.now(),
    });
    const orders: OrderRow[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await db.transaction((tx) =>
        createOrder(ctx, tx, { source: 'api', id: 'key_x' }, merchant.id, {
          customer: { wa_id: `91980000000${i}`, name: i === 0 ? 'Ünïcode Näme' : undefined },
          currency: 'INR',
          items: [
            { retailer_id: `sku2-${name}`, quantity: 2 + i },
            { name: 'Gift wrap', amount: 1500, quantity: 1 },
          ],
          shipping: { amount: 500, description: 'Courier' },
          payment: { method: 'payment_link' },
          expires_in: 600 + i,
          metadata: { n: String(i) },
        }),
      );
      if (!r.ok) throw new Error(r.error.message);
      orders.push(r.value.order);
      ctx.clock.advance(17);
    }
    await inTransaction(ctx, (tx) => cancelOrder(ctx, tx, { source: 'cli', id: 'me' }, merchant.id, orders[0]!.id, 'test'));
    await appendEvent(db, {
      id: newId('evt'),
      merchantId: merchant.id,
      type: 'merchant.note',
      source: 'cli',
      actor: null,
      data: { nested: { a: [1, null, 'x'] } },
      now: ctx.clock.now(),
    });
    await db.query(
      `insert into refunds (id, merchant_id, order_id, payment_id, amount, currency, status, reason, created_at, updated_at)
       values ($1, $2, $3, $4, 100, 'INR', 'pending', null, $5, $5)`,
      [newId('rfd'), merchant.id, orders[1]!.id, orders[1]!.current_payment_id, ctx.clock.now()],
    );
    await reserveKey(db, { merchantId: merchant.id, key: 'idem-1', fingerprint: 'fp', now: ctx.clock.now(), lockMs: 30_000 });
    await completeKey(db, merchant.id, 'idem-1', 201, { id: orders[2]!.id, ok: true });
    await reserveKey(db, { merchantId: merchant.id, key: 'idem-2', fingerprint: 'fp', now: ctx.clock.now(), lockMs: 30_000 });
  }
  await enqueueJob(db, { kind: 'maintenance', runAt: ctx.clock.now(), dedupeKey: 'maintenance:1', maxAttempts: 3, payload: { deep: { x: 1 } } });
  await db.query(`update jobs set status = 'dead', attempts = 3, last_error = 'boom' where kind = 'maintenance'`);
}

beforeAll(async () => {
  source = await openPglite(undefined);
  await migrate(source);
  await fill(source);
  target = await openTestDb();
  TABLES = await tablesInDependencyOrder(source);
  counts = await copyDatabase(source, target, { onTable: (t, n) => reported.push([t, n]) });
});
afterAll(async () => {
  await source?.close();
  await target?.close();
});

describe('copyDatabase', () => {
  it('reports every table, in dependency order, with its row count', async () => {
    expect(reported.map(([t]) => t)).toEqual(TABLES);
    expect(TABLES).toEqual(expect.arrayContaining([...FILLED]));
    // Parents come before children.
    for (const [child, parent] of [
      ['api_keys', 'merchants'],
      ['orders', 'merchants'],
      ['payments', 'orders'],
      ['refunds', 'payments'],
      ['events', 'orders'],
    ] as const) {
      expect(TABLES.indexOf(parent)).toBeLessThan(TABLES.indexOf(child));
    }
    for (const [t, n] of reported) expect(counts[t]).toBe(n);
    expect(counts).toMatchObject({ merchants: 2, api_keys: 2, products: 4, orders: 6, payments: 6, refunds: 2, idempotency_keys: 4, system_settings: 2 });
    expect(counts.events).toBeGreaterThan(6);
    expect(counts.jobs).toBeGreaterThan(6);
  });

  it.each([...FILLED])('copies %s row for row, with every value intact', async (table) => {
    const want = await all(source, table);
    const got = await all(target, table);
    expect(got).toHaveLength(want.length);
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });

  it('keeps types: numbers, Dates, JSON', async () => {
    const [p] = await target.query<{ price: unknown; created_at: unknown }>(`select price, created_at from products where price > 1 limit 1`);
    expect(p!.price).toBe(9007199254740991);
    expect(p!.created_at).toBeInstanceOf(Date);
    const [s] = await target.query<{ value: unknown }>(`select value from system_settings where key = 'sandbox_encryption_key'`);
    expect(s!.value).toBe('c2VjcmV0');
  });

  it('keeps bytes: a stored report chunk (bytea) arrives byte for byte', async () => {
    const rows = await target.query<{ data: Uint8Array }>(`select data from reconciliation_file_chunks order by upload_id`);
    expect(rows.map((r) => Buffer.from(r.data).toString('hex'))).toEqual([CHUNK.toString('hex'), CHUNK.toString('hex')]);
  });

  it("puts copied rows at stream position 0 (transaction ids are the source database's own)", async () => {
    expect(await source.query(`select 1 from events where tx_id <> '0' limit 1`)).toHaveLength(1);
    expect(await target.query(`select 1 from events where tx_id <> '0' limit 1`)).toHaveLength(0);
  });

  it('leaves the per-order event sequence able to continue', async () => {
    const [o] = await target.query<{ id: string; merchant_id: string; event_seq: number }>(`select id, merchant_id, event_seq from orders order by id limit 1`);
    const e = await appendEvent(target, {
      id: newId('evt'),
      merchantId: o!.merchant_id,
      orderId: o!.id,
      type: 'test.after_copy',
      source: 'cli',
      actor: null,
      data: {},
      now: new Date(),
    });
    expect(e.seq).toBe(o!.event_seq + 1);
  });

  it('refuses to copy into a database that already has merchants, changing nothing', async () => {
    const before = await Promise.all(TABLES.map((t) => target.query(`select count(*)::int as n from ${t}`)));
    await expect(copyDatabase(source, target)).rejects.toThrow(/already has merchants/);
    const after = await Promise.all(TABLES.map((t) => target.query(`select count(*)::int as n from ${t}`)));
    expect(after).toEqual(before);
  });

  it('copies an empty source into an empty target', async () => {
    const empty = await openPglite(undefined);
    const dest = await openPglite(undefined);
    try {
      await migrate(empty); // a source is always a chatcart database; the target is migrated by the copy
      const c = await copyDatabase(empty, dest);
      expect(Object.values(c).every((n) => n === 0)).toBe(true);
      expect((await dest.query<{ n: number }>(`select count(*)::int as n from chatcart_migrations`))[0]!.n).toBeGreaterThan(0);
    } finally {
      await empty.close();
      await dest.close();
    }
  });
});

// `chatcart db copy` after a sandbox that was really used: the Cloud API double's tables
// have identity columns (seq, generated always), which a plain insert refuses to set.
describe('copyDatabase after a full sandbox journey', () => {
  const clock = new ManualClock(new Date());
  const customer = '919800077001';
  const IDENTITY_TABLES = ['sandbox_wa_messages', 'sandbox_wa_transactions', 'sandbox_wa_refunds'] as const;
  let from: TestDb;
  let to: TestDb;
  let phoneNumberId: string;
  let copied: Record<string, number> | Error;

  async function drain(s: TestServer) {
    for (let i = 0; i < 6; i++) {
      await runUntilIdle(s, 100);
      clock.advance(3_000);
    }
  }
  const say = (s: TestServer, text: string) =>
    fetch(`${s.base}/sandbox/customers/${customer}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: phoneNumberId, type: 'text', text: { body: text } }),
    });

  beforeAll(async () => {
    // The embedded database `db copy` reads: a sandbox server's, after a customer talked,
    // paid a WhatsApp Pay bill and a hosted-checkout bill, and got a refund.
    from = await openPglite(undefined);
    await migrate(from, ALL_MIGRATIONS);
    const s = await startTestServer({ db: from, clock });
    try {
      const patched = await s.api('/v1/settings/whatsapp', {
        method: 'PATCH',
        body: { payment_configurations: [{ name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' }] },
      });
      expect(patched.status).toBe(200);
      phoneNumberId = patched.body.phone_number_id;
      expect((await say(s, 'hello')).status).toBe(201);
      await drain(s);
      const order = await s.api('/v1/orders', {
        body: {
          customer: { wa_id: customer },
          currency: 'INR',
          items: [{ retailer_id: 'filter-coffee', quantity: 1 }],
          tax: { amount: 0 },
          payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
        },
      });
      expect(order.status).toBe(201);
      await drain(s);
      const pay = await fetch(`${s.base}/sandbox/customers/${customer}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone_number_id: phoneNumberId, reference_id: order.body.reference_id, outcome: 'success' }),
      });
      expect(pay.status, await pay.clone().text()).toBeLessThan(300);
      await drain(s);
      expect((await s.api(`/v1/orders/${order.body.id}`)).body.payment_status).toBe('paid');
      const refund = await s.api(`/v1/orders/${order.body.id}/refunds`, { body: { amount: 10_000 }, headers: { 'idempotency-key': 'copy-refund' } });
      expect(refund.status).toBe(201);
      for (let i = 0; i < 5; i++) {
        await drain(s);
        clock.advance(120_000);
      }
      const linked = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: customer } }) });
      expect(linked.status).toBe(201);
      await payOrder(s, linked.body.payment.url, 'success');
      await drain(s);
      expect((await s.api(`/v1/orders/${linked.body.id}`)).body.payment_status).toBe('paid');
    } finally {
      await s.close();
    }
    to = await openTestDb();
    copied = await copyDatabase(from, to, { migrations: ALL_MIGRATIONS }).catch((e: Error) => e);
  });
  afterAll(async () => {
    await from?.close();
    await to?.close();
  });

  it('copies, and the Cloud API double had stored messages, WhatsApp Pay transactions and refunds', async () => {
    expect(copied).not.toBeInstanceOf(Error);
    for (const t of IDENTITY_TABLES) expect((copied as Record<string, number>)[t], t).toBeGreaterThan(0);
  });

  it.each([...IDENTITY_TABLES, 'sandbox_psp_payments', 'whatsapp_messages', 'payments', 'refunds'])(
    'copies %s row for row, identity values included',
    async (table) => {
      const want = await all(from, table);
      expect(want.length).toBeGreaterThan(0);
      expect(await all(to, table)).toEqual(want);
    },
  );

  it('leaves every identity sequence past the copied values', async () => {
    for (const t of IDENTITY_TABLES) {
      const [r] = await to.query<{ max: string; next: string }>(
        `select (select max(seq) from ${t})::text as max, nextval(pg_get_serial_sequence('${t}', 'seq'))::text as next`,
      );
      expect(BigInt(r!.next), t).toBeGreaterThan(BigInt(r!.max));
    }
  });

  it('a server on the copy goes on: a new customer message is numbered after the copied ones', async () => {
    const [before] = await to.query<{ max: string }>(`select max(seq)::text as max from sandbox_wa_messages`);
    const s = await startTestServer({ db: to, clock });
    try {
      expect((await say(s, 'still there?')).status).toBe(201);
    } finally {
      await s.close();
    }
    const [last] = await to.query<{ seq: string; body: any }>(`select seq::text as seq, body from sandbox_wa_messages order by seq desc limit 1`);
    expect(BigInt(last!.seq)).toBeGreaterThan(BigInt(before!.max));
    expect(JSON.stringify(last!.body)).toContain('still there?');
  });
});
