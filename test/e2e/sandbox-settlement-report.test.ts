// The sandbox payment provider's settlement file: pay orders through the sandbox, refund one
// in part, download GET /sandbox/psp/settlements.csv, import it with POST /v1/reconciliations
// (format=razorpay, provider=sandbox) and every item matches; applied, it books one payout
// per settlement. Authentication is the merchant's API key; another merchant's file is its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { settled } from '../support/reconcile.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
let s: TestServer;
const orders: any[] = [];

async function download(query: string, key?: string | null) {
  const res = await fetch(`${s.base}/sandbox/psp/settlements.csv?${query}`, {
    headers: key === null ? {} : { authorization: `Bearer ${key ?? s.demoKey}` },
  });
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text: await res.text() };
}

const parse = (csv: string) => {
  const [head, ...lines] = csv.trimEnd().split('\r\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};

beforeAll(async () => {
  s = await startTestServer({ clock });
  for (const amount of [12_000, 30_000, 4_500]) {
    const o = (await s.api('/v1/orders', { body: sampleOrder({ items: [{ name: 'Item', amount, quantity: 1 }], tax: undefined }) })).body;
    orders.push(o);
  }
  // The first two are paid; the third stays unpaid.
  for (const o of orders.slice(0, 2)) {
    await payOrder(s, o.payment.url, 'success');
    await runUntilIdle(s);
    expect((await s.api(`/v1/orders/${o.id}`)).body.payment_status).toBe('paid');
  }
  clock.advance(60_000);
  const r = await s.api(`/v1/orders/${orders[1].id}/refunds`, {
    body: { amount: 10_000, reason: 'one item missing' },
    headers: { 'idempotency-key': 'settle-r1' },
  });
  expect(r.status).toBe(201);
  clock.advance(5_000);
  await runUntilIdle(s);
  clock.advance(120_000);
  await runUntilIdle(s);
  expect((await s.api(`/v1/orders/${orders[1].id}`)).body.amount_refunded).toBe(10_000);
});
afterAll(async () => {
  await s?.close();
});

describe('GET /sandbox/psp/settlements.csv', () => {
  it('lists the captures with their fees and the refund, in Razorpay’s recon columns; unsettled until the next day', async () => {
    const d = await download('from=2026-03-01&to=2026-03-02');
    expect(d.status, d.text).toBe(200);
    expect(d.type).toMatch(/^text\/csv/);
    expect(d.disposition).toBe('attachment; filename="sandbox-settlement_2026-03-01_2026-03-02.csv"');
    const rows = parse(d.text);
    expect(rows.map((r) => [r['type'], r['amount']])).toEqual([
      ['payment', '12000'],
      ['payment', '30000'],
      ['refund', '10000'],
    ]);
    const [p1, , refund] = rows;
    // The sandbox's price: 2% plus 18% tax on it, as the payment entity states it.
    expect(p1).toMatchObject({ currency: 'INR', fee: '283', tax: '43', credit: String(12_000 - 283), debit: '0', settled: 'false', settlement_id: '' });
    expect(p1!['order_receipt']).toBe(orders[0].reference_id);
    expect(p1!['entity_id']).toMatch(/^spay_/);
    expect(refund).toMatchObject({ entity_id: expect.stringMatching(/^srf_/), debit: '10000', credit: '0', payment_id: rows[1]!['entity_id'] });
  });

  it('imports into POST /v1/reconciliations with every item matched, and applied books the payout', async () => {
    clock.set(new Date('2026-03-03T09:00:00Z')); // the 1 March money was settled on 2 March at 06:00 UTC
    const d = await download('from=2026-03-01&to=2026-03-02');
    const rows = parse(d.text);
    expect(new Set(rows.map((r) => r['settlement_id']))).toEqual(new Set(['setl_sbx_20260302_INR']));
    expect(rows.every((r) => r['settled'] === 'true')).toBe(true);
    const imported = await settled(
      s,
      await s.api('/v1/reconciliations?format=razorpay&provider=sandbox&period_from=2026-03-01T00:00:00Z&period_to=2026-03-02T00:00:00Z&apply=true', {
        rawBody: d.text,
        headers: { 'content-type': 'text/csv' },
      }),
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    expect(imported.body).toMatchObject({ format: 'razorpay', provider: 'sandbox', row_count: 3 });
    const t = imported.body.totals;
    expect(t.matched).toEqual({ count: 3, amounts: { INR: 12_000 + 30_000 + 10_000 } });
    for (const [category, total] of Object.entries(t)) if (category !== 'matched') expect(total, category).toEqual({ count: 0, amounts: {} });
    const items = (await s.api(`/v1/reconciliations/${imported.body.id}/items?limit=100`)).body.data;
    expect(items.map((i: any) => [i.kind, i.category, i.order_id])).toEqual([
      ['payment', 'matched', orders[0].id],
      ['payment', 'matched', orders[1].id],
      ['refund', 'matched', orders[1].id],
    ]);
    // The payout of the settlement: captures less fees less the refund.
    const fees = rows.reduce((n, r) => n + Number(r['fee']), 0);
    const payout = (await s.api('/v1/ledger/transactions?kind=payout')).body.data;
    expect(payout).toHaveLength(1);
    expect(payout[0].postings.find((p: any) => p.account === 'bank').amount).toBe(12_000 + 30_000 - fees - 10_000);
  });

  it('a range with nothing is the header alone; the range and the key are checked', async () => {
    const empty = await download('from=2026-02-01&to=2026-02-02');
    expect(empty.status).toBe(200);
    expect(empty.text).toBe(
      'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,payment_id,order_receipt,method\r\n',
    );
    const other = await otherMerchant(s);
    expect(parse((await download('from=2026-03-01&to=2026-03-02', other.key)).text)).toEqual([]);
    const wrong = await s.api(`/sandbox/psp/settlements.csv?from=2026-03-01&to=2026-03-02&merchant_id=${other.merchantId}`);
    expectError(wrong, 404, 'not_found');
    expect((await download(`from=2026-03-01&to=2026-03-02&merchant_id=${s.merchantId}`)).status).toBe(200);
    expectValidation(await s.api('/sandbox/psp/settlements.csv?from=2026-03-02&to=2026-03-01'), 'to');
    expectValidation(await s.api('/sandbox/psp/settlements.csv?to=2026-03-01'), 'from');
    expectValidation(await s.api('/sandbox/psp/settlements.csv?from=2025-01-01&to=2026-03-01'), 'to');
    expectError(await s.api('/sandbox/psp/settlements.csv?from=2026-03-01&to=2026-03-02', { key: null }), 401, 'unauthorized');
    expectError(await s.api('/sandbox/psp/settlements.csv?from=2026-03-01&to=2026-03-02', { key: 'ck_test_nope' }), 401, 'unauthorized');
    await expectNo5xx(s);
  });

  it('stays out of the OpenAPI document, like every sandbox route (docs/reconciliation.md describes it)', async () => {
    expect((await s.api('/openapi.json', { key: null })).body.paths['/sandbox/psp/settlements.csv']).toBeUndefined();
  });
});
