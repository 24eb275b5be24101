// The ledger store: idempotent inserts, append-only tables, balances, the order projection,
// merchant isolation, and migration 0008 on a database that already has paid orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { postAndProject, postManyAndProject, recordPayout, recordProviderFee } from '../../src/modules/ledger/ledger.post.ts';
import { orderLedger } from '../../src/modules/ledger/ledger.queries.ts';
import { createOrder } from '../../src/modules/orders/orders.create.ts';
import { captureApplied, providerFee } from '../../src/domain/ledger/postings.ts';
import { openPglite } from '../../src/platform/store/db.ts';
import { ledgerBalances, listLedgerTransactions, unbalancedLedgerTransactions } from '../../src/modules/ledger/ledger.repository.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
let ctx: TestContext;
let m1: string;
let m2: string;
const at = new Date('2026-03-01T10:00:00Z');

async function newOrder(merchantId: string, tax = 0) {
  const r = await db.transaction((tx) =>
    createOrder(ctx, tx, { source: 'api', id: 'key_test' }, merchantId, {
      customer: { wa_id: '919812345678' },
      currency: 'INR',
      items: [{ name: 'Thali', amount: 10000, quantity: 1 }],
      ...(tax ? { tax: { amount: tax } } : {}),
      payment: { method: 'payment_link' },
      send: false,
    }),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value.order;
}

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
  m1 = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Ledger One'))).merchant.id;
  m2 = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'Ledger Two'))).merchant.id;
});
afterAll(async () => {
  await db?.close();
});

describe('ledger store', () => {
  it('books a capture once, projects the order amounts, and a replay inserts nothing', async () => {
    const order = await newOrder(m1, 1800);
    const entry = captureApplied({
      provider: 'sandbox',
      providerPaymentId: 'psp_1',
      orderId: order.id,
      amount: order.total,
      currency: 'INR',
      eventAt: at,
      orderTotal: order.total,
      orderTax: order.tax,
    });
    const first = await db.transaction((tx) => postAndProject(tx, m1, entry, at));
    const again = await db.transaction((tx) => postAndProject(tx, m1, entry, at));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.transaction.id).toBe(first.transaction.id);
    expect(first.order).toMatchObject({ amount_paid: 11800, amount_refunded: 0 });
    const l = (await orderLedger(db, m1, order.id))!;
    expect(l.transactions).toHaveLength(1);
    expect(l.transactions[0]!.postings.map((p) => [p.account, p.amount])).toEqual([
      ['provider_clearing:sandbox', 11800],
      ['revenue', -10000],
      ['tax_payable', -1800],
    ]);
    expect(await unbalancedLedgerTransactions(db)).toEqual([]);
  });

  it('books a batch in one go: duplicates within it and keys booked before insert nothing, orders are projected', async () => {
    const a = await newOrder(m1);
    const b = await newOrder(m1, 1800);
    const cap = (o: typeof a, id: string) =>
      captureApplied({
        provider: 'sandbox',
        providerPaymentId: id,
        orderId: o.id,
        amount: o.total,
        currency: 'INR',
        eventAt: at,
        orderTotal: o.total,
        orderTax: o.tax,
      });
    const fee = (o: typeof a, id: string, f: number) =>
      providerFee({ provider: 'sandbox', providerPaymentId: id, orderId: o.id, fee: f, currency: 'INR', eventAt: at, source: 'batch' });
    await db.transaction((tx) => postAndProject(tx, m1, cap(a, 'psp_b1'), at));
    const out = await db.transaction((tx) =>
      postManyAndProject(tx, m1, [cap(a, 'psp_b1'), cap(b, 'psp_b2'), fee(a, 'psp_b1', 30), fee(a, 'psp_b1', 99), fee(b, 'psp_b2', 40)], at),
    );
    expect(out.map((p) => p.created)).toEqual([false, true, true, false, true]);
    expect(out[3]!.transaction.id).toBe(out[2]!.transaction.id);
    expect(out[1]!.order).toMatchObject({ id: b.id, amount_paid: 11800 });
    const fees = await ledgerBalances(db, m1, { account: 'provider_fees' });
    expect(fees[0]!.balance).toBeGreaterThanOrEqual(70);
    const la = (await orderLedger(db, m1, a.id))!;
    expect(la.order.amount_paid).toBe(a.total);
    expect(la.transactions.map((t) => t.kind)).toEqual(['capture', 'fee']);
    expect(la.transactions[1]!.postings.map((p) => p.amount)).toEqual([30, -30]);
    expect(await unbalancedLedgerTransactions(db)).toEqual([]);
  });

  it('refuses to update or delete ledger rows', async () => {
    await expect(db.query(`update ledger_postings set amount = amount + 1`)).rejects.toThrow(/append-only/);
    await expect(db.query(`delete from ledger_transactions`)).rejects.toThrow(/append-only/);
  });

  it('fees and payouts are idempotent per provider payment and per settlement, and validated', async () => {
    const fee = {
      merchantId: m1,
      provider: 'razorpay',
      providerPaymentId: 'pay_fee1',
      orderId: null,
      fee: 2900,
      tax: 442,
      currency: 'INR',
      eventAt: at,
      source: 'test',
    };
    const a = await db.transaction((tx) => recordProviderFee(tx, fee));
    const b = await db.transaction((tx) => recordProviderFee(tx, { ...fee, fee: 9999 }));
    expect(a.ok && a.value.created).toBe(true);
    expect(b.ok && !b.value.created).toBe(true);
    const bad = await db.transaction((tx) => recordProviderFee(tx, { ...fee, providerPaymentId: 'pay_fee2', fee: 100, tax: 200 }));
    expect(bad.ok).toBe(false);
    const p = { merchantId: m1, provider: 'razorpay', settlementId: 'setl_1', amount: 97100, currency: 'INR', eventAt: at, reference: 'UTR123' };
    expect((await db.transaction((tx) => recordPayout(tx, p))).ok).toBe(true);
    const p2 = await db.transaction((tx) => recordPayout(tx, p));
    expect(p2.ok && p2.value.created).toBe(false);
    expect((await db.transaction((tx) => recordPayout(tx, { ...p, settlementId: 'setl_2', amount: 0 }))).ok).toBe(false);
    const bal = await ledgerBalances(db, m1, { account: 'provider_clearing:razorpay' });
    expect(bal).toEqual([{ account: 'provider_clearing:razorpay', currency: 'INR', debits: 0, credits: 100000, balance: -100000 }]);
    expect((await ledgerBalances(db, m1, { account: 'bank' }))[0]!.balance).toBe(97100);
    expect((await ledgerBalances(db, m1, { account: 'provider_fee_tax' }))[0]!.balance).toBe(442);
  });

  it('keeps merchants apart: the same external key may exist for two merchants, and nobody sees the other', async () => {
    const p = { provider: 'razorpay', settlementId: 'setl_1', amount: 500, currency: 'INR', eventAt: at };
    const r = await db.transaction((tx) => recordPayout(tx, { ...p, merchantId: m2 }));
    expect(r.ok && r.value.created).toBe(true);
    const mine = await listLedgerTransactions(db, m2, {}, { limit: 100 });
    expect(mine.map((t) => t.merchant_id)).toEqual([m2]);
    expect((await ledgerBalances(db, m2, {})).map((b) => b.account).sort()).toEqual(['bank', 'provider_clearing:razorpay']);
    expect((await listLedgerTransactions(db, m1, {}, { limit: 100 })).every((t) => t.merchant_id === m1)).toBe(true);
  });

  it('pages transactions by id, newest first, with filters', async () => {
    const all = await listLedgerTransactions(db, m1, {}, { limit: 100 });
    expect(all.length).toBeGreaterThanOrEqual(3);
    const first = await listLedgerTransactions(db, m1, {}, { limit: 1 });
    expect(first).toHaveLength(2);
    const next = await listLedgerTransactions(db, m1, {}, { limit: 100, startingAfter: first[0]!.id });
    expect(next.map((t) => t.id)).toEqual(all.slice(1).map((t) => t.id));
    expect((await listLedgerTransactions(db, m1, { kind: 'payout' }, { limit: 100 })).map((t) => t.kind)).toEqual(['payout']);
  });
});

describe('migration 0008 on a database with paid orders', () => {
  it('books an opening transaction per order so the projection keeps the amounts', async () => {
    const lite = await openPglite(undefined);
    try {
      for (const m of listMigrations().filter((x) => x.name < '0008')) await lite.exec(m.sql);
      await lite.exec(`create table chatcart_migrations (name text primary key, applied_at timestamptz not null default now());
        insert into chatcart_migrations (name) select unnest(array[${listMigrations()
          .filter((x) => x.name < '0008')
          .map((x) => `'${x.name}'`)
          .join(',')}]);
        insert into merchants (id, name) values ('mer_01kx0000000000000000000000', 'Old');
        insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, amount_paid, amount_refunded, customer_wa_id, goods_type, current_payment_id, expires_at)
          values ('ord_01kx0000000000000000000001', 'mer_01kx0000000000000000000000', 'processing', 'partially_refunded', 'INR', '[]', 5000, 5000, 5000, 1200, '919800000000', 'digital-goods', 'pay_01kx0000000000000000000001', now()),
                 ('ord_01kx0000000000000000000002', 'mer_01kx0000000000000000000000', 'pending', 'unpaid', 'INR', '[]', 700, 700, 0, 0, '919800000000', 'digital-goods', null, now());
        insert into payments (id, merchant_id, order_id, reference_id, method, provider, status, amount, currency, expires_at)
          values ('pay_01kx0000000000000000000001', 'mer_01kx0000000000000000000000', 'ord_01kx0000000000000000000001', 'ref1', 'payment_link', 'razorpay', 'captured', 5000, 'INR', now());
        insert into provider_payments (id, merchant_id, provider, provider_payment_id, payment_id, order_id, status, amount, currency, disposition)
          values ('ppy_01kx0000000000000000000001', 'mer_01kx0000000000000000000000', 'razorpay', 'pay_x', 'pay_01kx0000000000000000000001', 'ord_01kx0000000000000000000001', 'captured', 300, 'INR', 'extra');`);
      expect(await migrate(lite)).toContain('0008_ledger.sql');
      const postings = await lite.query<{ account: string; amount: number }>(
        `select account, amount from ledger_postings where order_id = 'ord_01kx0000000000000000000001' order by line`,
      );
      expect(postings).toEqual([
        { account: 'provider_clearing:razorpay', amount: 5000 },
        { account: 'revenue', amount: -5000 },
        { account: 'refunds', amount: 1200 },
        { account: 'provider_clearing:razorpay', amount: -1200 },
        { account: 'provider_clearing:razorpay', amount: 300 },
        { account: 'unapplied_receipts', amount: -300 },
      ]);
      expect(await lite.query(`select count(*)::int as n from ledger_transactions`)).toEqual([{ n: 1 }]);
      expect(await unbalancedLedgerTransactions(lite)).toEqual([]);
    } finally {
      await lite.close();
    }
  });
});
