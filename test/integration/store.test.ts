// The store on both drivers: migrations, the per-order event sequence, unique keys,
// idempotency reservations and how values come back (numbers, JSON, dates).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import { isUniqueViolation } from '../../src/platform/store/db.ts';
import { appendEvent, listEvents } from '../../src/modules/events/events.repository.ts';
import { completeKey, releaseKey, reserveKey } from '../../src/platform/http/idempotency.repository.ts';
import { insertMerchant } from '../../src/modules/merchants/merchants.repository.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { getOrder, insertOrder, type OrderRow } from '../../src/modules/orders/orders.repository.ts';
import { insertPayment } from '../../src/modules/orders/payment-attempts.repository.ts';
import { getProduct, insertProduct } from '../../src/modules/catalog/products.repository.ts';
import { dbKind, openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let merchantId: string;
const now = new Date('2026-03-01T10:00:00.123Z');

beforeAll(async () => {
  db = await openTestDb();
  merchantId = (await insertMerchant(db, { id: newId('mer'), name: 'Store test', now })).id;
});
afterAll(async () => {
  await db?.close();
});

async function makeOrder(overrides: Partial<Parameters<typeof insertOrder>[1]> = {}): Promise<OrderRow> {
  return insertOrder(db, {
    id: newId('ord'),
    merchant_id: merchantId,
    status: 'pending',
    payment_status: 'unpaid',
    currency: 'INR',
    items: [{ retailer_id: null, product_id: null, name: 'Tea', amount: 500, sale_amount: null, quantity: 2, line_total: 1000 }],
    subtotal: 1000,
    tax: 0,
    tax_description: null,
    shipping: 0,
    shipping_description: null,
    discount: 0,
    discount_description: null,
    total: 1000,
    customer_id: null,
    customer_bsuid: null,
    customer_wa_id: '919999999999',
    customer_name: 'Asha',
    goods_type: 'digital-goods',
    shipping_address: null,
    current_payment_id: null,
    expires_at: new Date(now.getTime() + 600_000),
    metadata: {},
    now,
    ...overrides,
  });
}

describe('migrations', () => {
  it('are recorded and idempotent', async () => {
    const names = (await db.query<{ name: string }>(`select name from chatcart_migrations order by name`)).map((r) => r.name);
    expect(names).toEqual(listMigrations().map((m) => m.name));
    expect(names.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual([]);
    expect(await migrate(db)).toEqual([]);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from chatcart_migrations`))[0]!.n).toBe(names.length);
  });

  it('run concurrently apply each file once', async () => {
    const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(results).toEqual([[], [], []]);
  });
});

describe('the event log', () => {
  const append = (q: Parameters<typeof appendEvent>[0], orderId: string, n: number) =>
    appendEvent(q, { id: newId('evt'), merchantId, orderId, type: 'test.event', source: 'api', actor: null, data: { n }, now });

  it(`numbers an order's events 1..n without gaps under ${dbKind === 'postgres' ? 'concurrent' : 'interleaved'} transactions`, async () => {
    const order = await makeOrder();
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        db.transaction(async (tx) => {
          await tx.query(`select id from orders where merchant_id = $1 and id = $2 for update`, [merchantId, order.id]);
          await append(tx, order.id, n);
          await append(tx, order.id, n);
        }),
      ),
    );
    const events = await db.query<{ seq: number; data: { n: number } }>(`select seq, data from events where order_id = $1 order by seq`, [order.id]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each transaction's two events are adjacent: the row lock serialised them.
    for (let i = 0; i < 20; i += 2) expect(events[i]!.data.n).toBe(events[i + 1]!.data.n);
    expect((await getOrder(db, merchantId, order.id))!.event_seq).toBe(20);
  });

  it("queues the change's jobs in the event's statement, once per dedupe key, with or without an order", async () => {
    const order = await makeOrder();
    const job = (kind: string, key: string) => ({ kind, merchantId, payload: { order_id: order.id }, runAt: now, dedupeKey: key, priority: 10 });
    const before = db.stats().statements;
    await appendEvent(db, {
      id: newId('evt'),
      merchantId,
      orderId: order.id,
      type: 'test.jobs',
      source: 'api',
      actor: null,
      data: {},
      now,
      jobs: [job('order.expire', `t-expire:${order.id}`), job('bill.send', `t-bill:${order.id}`)],
    });
    expect(db.stats().statements - before).toBe(1);
    // A key already queued is left alone; an event without an order queues its jobs too.
    await appendEvent(db, {
      id: newId('evt'),
      merchantId,
      type: 'test.jobs',
      source: 'api',
      actor: null,
      data: {},
      now,
      jobs: [job('bill.send', `t-bill:${order.id}`)],
    });
    const jobs = await db.query<{ kind: string; payload: { order_id: string }; priority: number; run_at: Date }>(
      `select kind, payload, priority, run_at from jobs where dedupe_key in ($1, $2) order by kind`,
      [`t-expire:${order.id}`, `t-bill:${order.id}`],
    );
    expect(jobs).toEqual([
      { kind: 'bill.send', payload: { order_id: order.id }, priority: 10, run_at: now },
      { kind: 'order.expire', payload: { order_id: order.id }, priority: 10, run_at: now },
    ]);
  });

  it('rolls the sequence back with a failed transaction', async () => {
    const order = await makeOrder();
    await append(db, order.id, 1);
    await expect(
      db.transaction(async (tx) => {
        await append(tx, order.id, 2);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await append(db, order.id, 3);
    const events = await db.query<{ seq: number; data: { n: number } }>(`select seq, data from events where order_id = $1 order by seq`, [order.id]);
    expect(events.map((e) => [e.seq, e.data.n])).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });

  it('refuses an event for an unknown order and gives merchant events no seq', async () => {
    await expect(append(db, 'ord_missing', 1)).rejects.toThrow(/unknown order/);
    const e = await appendEvent(db, { id: newId('evt'), merchantId, type: 'merchant.thing', source: 'cli', actor: 'me', data: {}, now });
    expect(e.seq).toBeNull();
    expect(e.order_id).toBeNull();
    const listed = await listEvents(db, merchantId, { type: 'merchant.thing' }, { limit: 10 });
    expect(listed.map((x) => x.id)).toEqual([e.id]);
  });
});

describe('unique keys', () => {
  it('enforces unique (merchant_id, reference_id) on payments, recognised on both drivers', async () => {
    const order = await makeOrder();
    const pay = (id: string) =>
      insertPayment(db, {
        id,
        merchant_id: merchantId,
        order_id: order.id,
        reference_id: 'CC-SAMEREF',
        method: 'payment_link',
        provider: 'sandbox',
        status: 'created',
        amount: 1000,
        currency: 'INR',
        pay_token: null,
        expires_at: order.expires_at,
        now,
      });
    await pay(newId('pay'));
    const e = await pay(newId('pay')).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeDefined();
    expect((e as { code?: string }).code).toBe('23505');
    expect(isUniqueViolation(e)).toBe(true);
    expect(isUniqueViolation(e, 'payments_merchant_id_reference_id_key')).toBe(true);
    expect(isUniqueViolation(e, 'some_other_constraint')).toBe(false);
    expect(isUniqueViolation(new Error('x'))).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);

    // The same reference under another merchant is fine.
    const other = await insertMerchant(db, { id: newId('mer'), name: 'Other', now });
    const otherOrder = await makeOrder({ merchant_id: other.id });
    await insertPayment(db, {
      id: newId('pay'),
      merchant_id: other.id,
      order_id: otherOrder.id,
      reference_id: 'CC-SAMEREF',
      method: 'payment_link',
      provider: 'sandbox',
      status: 'created',
      amount: 1000,
      currency: 'INR',
      pay_token: null,
      expires_at: order.expires_at,
      now,
    });
  });

  it('reports a unique violation raised inside a transaction too', async () => {
    const id = newId('mer');
    await insertMerchant(db, { id, name: 'Twice', now });
    const e = await db
      .transaction((tx) => insertMerchant(tx, { id, name: 'Twice', now }))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isUniqueViolation(e, 'merchants_pkey')).toBe(true);
  });
});

describe('idempotency keys', () => {
  const base = { fingerprint: 'fp-1', lockMs: 30_000 };

  it('reserves once; a second request sees the running reservation, then the stored response', async () => {
    const key = `k-${newId('req')}`;
    expect(await reserveKey(db, { merchantId, key, now, ...base })).toEqual({ kind: 'reserved' });
    const second = await reserveKey(db, { merchantId, key, now: new Date(now.getTime() + 1000), ...base });
    expect(second.kind).toBe('existing');
    if (second.kind !== 'existing') return;
    expect(second.row.state).toBe('running');
    expect(second.row.locked_until).toEqual(new Date(now.getTime() + 30_000));

    await completeKey(db, merchantId, key, 201, { id: 'ord_x', total: 1000 });
    const third = await reserveKey(db, { merchantId, key, now: new Date(now.getTime() + 60_000), ...base });
    expect(third.kind).toBe('existing');
    if (third.kind !== 'existing') return;
    expect(third.row.state).toBe('done');
    expect(third.row.locked_until).toBeNull();
    expect(third.row.response_status).toBe(201);
    expect(third.row.response_body).toEqual({ id: 'ord_x', total: 1000 });
    // Releasing a finished key does nothing.
    await releaseKey(db, merchantId, key);
    expect((await reserveKey(db, { merchantId, key, now, ...base })).kind).toBe('existing');
  });

  it('release lets the key be reserved again', async () => {
    const key = `k-${newId('req')}`;
    await reserveKey(db, { merchantId, key, now, ...base });
    await releaseKey(db, merchantId, key);
    expect(await reserveKey(db, { merchantId, key, now, ...base, fingerprint: 'fp-other' })).toEqual({ kind: 'reserved' });
  });

  it('takes over an abandoned reservation only after its lock deadline, and only with the same fingerprint', async () => {
    const key = `k-${newId('req')}`;
    await reserveKey(db, { merchantId, key, now, ...base });
    const later = (ms: number) => new Date(now.getTime() + ms);
    expect((await reserveKey(db, { merchantId, key, now: later(29_999), ...base })).kind).toBe('existing');
    expect((await reserveKey(db, { merchantId, key, now: later(31_000), ...base, fingerprint: 'fp-different' })).kind).toBe('existing');
    expect(await reserveKey(db, { merchantId, key, now: later(31_000), ...base })).toEqual({ kind: 'reserved' });
    // The new holder's lock runs from the takeover.
    const row = (
      await db.query<{ locked_until: Date; state: string }>(`select locked_until, state from idempotency_keys where merchant_id = $1 and key = $2`, [
        merchantId,
        key,
      ])
    )[0]!;
    expect(row.state).toBe('running');
    expect(row.locked_until).toEqual(later(61_000));
    expect((await reserveKey(db, { merchantId, key, now: later(32_000), ...base })).kind).toBe('existing');
  });

  it('keeps keys per merchant', async () => {
    const other = await insertMerchant(db, { id: newId('mer'), name: 'Keys', now });
    const key = `k-${newId('req')}`;
    expect((await reserveKey(db, { merchantId, key, now, ...base })).kind).toBe('reserved');
    expect((await reserveKey(db, { merchantId: other.id, key, now, ...base })).kind).toBe('reserved');
  });
});

describe('values come back typed the same on both drivers', () => {
  it('int8 columns are JS numbers, up to 2^53 - 1', async () => {
    const p = await insertProduct(db, {
      id: newId('prd'),
      merchant_id: merchantId,
      retailer_id: 'max',
      name: 'Max',
      description: null,
      price: 9007199254740991,
      currency: 'INR',
      image_url: null,
      active: true,
      now,
    });
    expect(p.price).toBe(9007199254740991);
    expect(typeof p.price).toBe('number');
    const read = (await getProduct(db, merchantId, p.id))!;
    expect(read.price).toBe(Number.MAX_SAFE_INTEGER);
    const o = await makeOrder({ subtotal: 123456789012, total: 123456789012 });
    expect(o.total).toBe(123456789012);
    expect(o.tax).toBe(0);
    expect(typeof o.amount_paid).toBe('number');
    const counted = await db.query<{ n: unknown }>(`select count(*) as n from products where merchant_id = $1`, [merchantId]);
    expect(typeof counted[0]!.n).toBe('number');
  });

  it('an int8 beyond 2^53 - 1 is an error, not a rounded number or a BigInt, and the handle stays usable', async () => {
    await expect(db.query(`select 9007199254740993::int8 as n`)).rejects.toThrow(/exceeds the safe integer range/);
    await expect(db.transaction((tx) => tx.query(`select (-9007199254740993)::int8 as n`))).rejects.toThrow(/exceeds the safe integer range/);
    expect(await db.query(`select (-9007199254740991)::int8 as n`)).toEqual([{ n: -9007199254740991 }]);
  });

  it('jsonb round-trips objects, arrays, strings and nulls', async () => {
    const metadata = { note: 'ünïcødé ✓ "quoted"', nested: 'x' };
    const shipping_address = { line1: '1 Road', city: 'Pune', zip: null, tags: ['a', 'b'], n: 1.5, deep: { ok: true } } as unknown as Record<string, string>;
    const o = await makeOrder({ metadata, shipping_address });
    const read = (await getOrder(db, merchantId, o.id))!;
    expect(read.metadata).toEqual(metadata);
    expect(read.shipping_address).toEqual(shipping_address);
    expect(read.items).toEqual(o.items);
    expect(read.review).toBeNull();
    await db.query(`insert into system_settings (key, value) values ($1, $2)`, ['a_string', JSON.stringify('just text')]);
    expect((await db.query<{ value: unknown }>(`select value from system_settings where key = 'a_string'`))[0]!.value).toBe('just text');
  });

  it('timestamps are Dates with millisecond precision', async () => {
    const o = await makeOrder();
    const read = (await getOrder(db, merchantId, o.id))!;
    expect(read.created_at).toBeInstanceOf(Date);
    expect(read.created_at).toEqual(now);
    expect(read.expires_at).toBeInstanceOf(Date);
    expect(read.expires_at.getTime()).toBe(now.getTime() + 600_000);
    const [r] = await db.query<{ t: unknown }>(`select now() as t`);
    expect(r!.t).toBeInstanceOf(Date);
  });

  it('booleans and nullable columns', async () => {
    const p = await insertProduct(db, {
      id: newId('prd'),
      merchant_id: merchantId,
      retailer_id: 'off',
      name: 'Off',
      description: null,
      price: 1,
      currency: 'INR',
      image_url: null,
      active: false,
      now,
    });
    expect(p.active).toBe(false);
    expect(p.description).toBeNull();
  });
});
