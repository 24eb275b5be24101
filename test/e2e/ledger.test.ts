// The ledger over HTTP: a paid, partly refunded order's books, balances per account,
// the transaction list with filters and pagination, bad queries (400 in the envelope),
// and another merchant seeing none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { accountFor } from '../../src/modules/payments/payments.provider-accounts.ts';
import { recordPayout } from '../../src/modules/ledger/ledger.post.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant, walk } from '../support/e2e.ts';
import { payOrder, runUntilIdle, sandboxPspAuth } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let orderId: string;
let paid: any;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  s = await startTestServer({ clock });
  const order = (await s.api('/v1/orders', { body: sampleOrder() })).body;
  orderId = order.id;
  // These books are about captures, refunds and payouts: the sandbox PSP charges no fee here.
  await accountFor(s.ctx, s.merchantId, 'sandbox'); // opens the merchant's sandbox PSP account
  const noFee = await fetch(`${s.base}/sandbox/psp/v1/account/chaos`, {
    method: 'PUT',
    headers: { authorization: await sandboxPspAuth(s), 'content-type': 'application/json' },
    body: JSON.stringify({ fee_rate: 0 }),
  });
  expect(noFee.status).toBe(200);
  await payOrder(s, order.payment.url, 'success');
  await runUntilIdle(s);
  paid = (await s.api(`/v1/orders/${orderId}`)).body;
  expect(paid.payment_status).toBe('paid');
  const r = await s.api(`/v1/orders/${orderId}/refunds`, { body: { amount: 1500 }, headers: { 'idempotency-key': 'ledger-r1' } });
  expect(r.status).toBe(201);
  clock.advance(5_000);
  await runUntilIdle(s);
  clock.advance(120_000);
  await runUntilIdle(s);
  await s.ctx.db.transaction((tx) =>
    recordPayout(tx, { merchantId: s.merchantId, provider: 'sandbox', settlementId: 'setl_e2e', amount: 1000, currency: 'INR', eventAt: clock.now() }),
  );
});
afterAll(async () => {
  await s?.close();
});

describe('GET /v1/orders/{id}/ledger', () => {
  it("shows the order's capture and refund, balanced, and the amounts projected from them", async () => {
    const r = await s.api(`/v1/orders/${orderId}/ledger`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'order_ledger', order_id: orderId, currency: 'INR', amount_paid: paid.total, amount_refunded: 1500 });
    expect(r.body.transactions.map((t: any) => t.kind)).toEqual(['capture', 'refund']);
    for (const t of r.body.transactions) {
      expect(t.id).toMatch(/^ltx_/);
      expect(t.postings.reduce((sum: number, p: any) => sum + p.amount, 0)).toBe(0);
      for (const p of t.postings) expect(p.side).toBe(p.amount > 0 ? 'debit' : 'credit');
    }
    const [capture] = r.body.transactions;
    expect(capture.external_key).toMatch(/^capture:sandbox:/);
    expect(capture.postings.map((p: any) => [p.account, p.amount])).toEqual([
      ['provider_clearing:sandbox', paid.total],
      ['revenue', -(paid.total - 1000)],
      ['tax_payable', -1000],
    ]);
    const bal = Object.fromEntries(r.body.balances.map((b: any) => [b.account, b.balance]));
    expect(bal).toEqual({ 'provider_clearing:sandbox': paid.total - 1500, refunds: 1500, revenue: -(paid.total - 1000), tax_payable: -1000 });
  });

  it('404s for an unknown order and 400s for a malformed id', async () => {
    expectError(await s.api('/v1/orders/ord_01kx0000000000000000000000/ledger'), 404, 'not_found');
    expectValidation(await s.api('/v1/orders/not-an-id!/ledger'), 'params.id');
  });
});

describe('GET /v1/ledger/balances', () => {
  it('sums every account per currency, and filters by account and currency', async () => {
    const r = await s.api('/v1/ledger/balances');
    expect(r.status).toBe(200);
    expect(r.body.object).toBe('list');
    const bal = Object.fromEntries(r.body.data.map((b: any) => [b.account, b]));
    expect(bal['provider_clearing:sandbox']).toMatchObject({ currency: 'INR', debits: paid.total, credits: 1500 + 1000, balance: paid.total - 2500 });
    expect(bal['bank'].balance).toBe(1000);
    expect(r.body.data.reduce((sum: number, b: any) => sum + b.balance, 0)).toBe(0);
    const only = await s.api('/v1/ledger/balances?account=revenue&currency=INR');
    expect(only.body.data.map((b: any) => b.account)).toEqual(['revenue']);
    expect((await s.api('/v1/ledger/balances?currency=USD')).body.data).toEqual([]);
  });

  it('refuses unknown accounts, bad currencies and unknown parameters', async () => {
    expectValidation(await s.api('/v1/ledger/balances?account=cash'), 'querystring.account');
    expectValidation(await s.api('/v1/ledger/balances?currency=inr'), 'querystring.currency');
    expectError(await s.api('/v1/ledger/balances?foo=1'), 400, 'validation_error');
  });
});

describe('GET /v1/ledger/transactions', () => {
  it('lists newest first with postings, filters by order and kind, and pages', async () => {
    const r = await s.api('/v1/ledger/transactions');
    expect(r.status).toBe(200);
    expect(r.body.data.map((t: any) => t.kind)).toEqual(['payout', 'refund', 'capture']);
    expect(r.body.has_more).toBe(false);
    const refunds = await s.api(`/v1/ledger/transactions?order_id=${orderId}&kind=refund`);
    expect(refunds.body.data).toHaveLength(1);
    expect(refunds.body.data[0].postings.map((p: any) => p.account)).toEqual(['refunds', 'provider_clearing:sandbox']);
    const pages = await walk(s, '/v1/ledger/transactions', 1);
    expect(pages.ids).toEqual(r.body.data.map((t: any) => t.id));
  });

  it('refuses an unknown kind and a limit out of range', async () => {
    expectValidation(await s.api('/v1/ledger/transactions?kind=transfer'), 'querystring.kind');
    expectValidation(await s.api('/v1/ledger/transactions?limit=0'), 'querystring.limit');
  });
});

describe('openapi', () => {
  it('documents the ledger routes', async () => {
    const doc = (await s.api('/openapi.json', { key: null })).body;
    for (const p of ['/v1/ledger/balances', '/v1/ledger/transactions', '/v1/orders/{id}/ledger']) expect(doc.paths[p]?.get).toBeDefined();
  });
});

describe('merchant isolation', () => {
  it("another merchant sees no transactions, no balances and not this order's ledger", async () => {
    const other = await otherMerchant(s);
    expect((await s.api('/v1/ledger/transactions', { key: other.key })).body.data).toEqual([]);
    expect((await s.api(`/v1/ledger/transactions?order_id=${orderId}`, { key: other.key })).body.data).toEqual([]);
    expect((await s.api('/v1/ledger/balances', { key: other.key })).body.data).toEqual([]);
    expectError(await s.api(`/v1/orders/${orderId}/ledger`, { key: other.key }), 404, 'not_found');
    expectError(await s.api('/v1/ledger/balances', { key: null }), 401, 'unauthorized');
    await expectNo5xx(s);
  });
});
