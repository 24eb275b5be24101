// Reconciliation over HTTP against orders paid through the sandbox PSP: a Razorpay-format
// settlement report (provider=sandbox) built from those payments holds one example of
// every mismatch category; the run names each with the right ids and totals. Then:
// the same file again is the same run, a rerun after a missing payment is recorded
// matches it, another merchant sees nothing, and bad files are 400s with the line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { accountFor } from '../../src/modules/payments/payments.provider-accounts.ts';
import { recordProviderFee } from '../../src/modules/ledger/ledger.post.ts';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { payOrder, runUntilIdle, sandboxPspAuth } from '../support/pay.ts';
import { settled } from '../support/reconcile.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
const started = clock.now();
const HEADER =
  'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,posted_at,credit_type,description,notes,payment_id,order_id,order_receipt,method';

interface Paid {
  orderId: string;
  paymentId: string;
  ppid: string;
  ref: string;
  amount: number;
}
const paid: Record<string, Paid> = {};
let refund: { id: string; providerRefundId: string; amount: number };
let late: Paid; // paid at the PSP, but its webhook not processed yet when the report is imported

const secs = (d: Date) => String(Math.floor(d.getTime() / 1000));
function rzpRow(o: { id: string; type?: string; amount: number; currency?: string; fee?: number; paymentId?: string; receipt?: string; at?: Date }): string {
  const fee = o.fee ?? 0;
  const type = o.type ?? 'payment';
  const at = secs(o.at ?? clock.now());
  const [debit, credit] = type === 'refund' ? [o.amount, 0] : [0, o.amount - fee];
  return [
    o.id,
    type,
    debit,
    credit,
    o.amount,
    o.currency ?? 'INR',
    fee,
    0,
    'false',
    'true',
    at,
    at,
    'setl_1',
    'utr_1',
    '',
    'default',
    '"Order, chatcart"',
    '{}',
    o.paymentId ?? '',
    '',
    o.receipt ?? '',
    'upi',
  ].join(',');
}

async function payNew(outcome: 'success' = 'success', process = true): Promise<Paid> {
  const order = (await s.api('/v1/orders', { body: sampleOrder({ send: false }) })).body;
  await payOrder(s, order.payment.url, outcome);
  if (process) await runUntilIdle(s);
  const attempt = (await s.api(`/v1/orders/${order.id}/payments`)).body.data[0];
  let ppid: string = attempt.provider_payment_id;
  if (!ppid) {
    const co = await (
      await fetch(`${s.base}/sandbox/psp/v1/checkouts/${attempt.provider_object_id}`, { headers: { authorization: await sandboxPspAuth(s) } })
    ).json();
    ppid = co.payments[0].id;
  }
  clock.advance(60_000);
  return { orderId: order.id, paymentId: attempt.id, ppid, ref: attempt.reference_id, amount: order.total };
}

let report: string;
const period = () =>
  `period_from=${encodeURIComponent(new Date(started.getTime() - 3600_000).toISOString())}&period_to=${encodeURIComponent(new Date(clock.now().getTime() + 3600_000).toISOString())}`;
let periodQuery: string;

beforeAll(async () => {
  s = await startTestServer({ clock });
  // The fee cases below book their own fees: the sandbox PSP charges no fee here.
  await accountFor(s.ctx, s.merchantId, 'sandbox'); // opens the merchant's sandbox PSP account
  const noFee = await fetch(`${s.base}/sandbox/psp/v1/account/chaos`, {
    method: 'PUT',
    headers: { authorization: await sandboxPspAuth(s), 'content-type': 'application/json' },
    body: JSON.stringify({ fee_rate: 0 }),
  });
  expect(noFee.status).toBe(200);
  for (const name of ['matched', 'amount', 'currency', 'duplicate', 'missingAtProvider', 'fee']) paid[name] = await payNew();
  const r = await s.api(`/v1/orders/${paid.matched!.orderId}/refunds`, {
    body: { amount: 1000, reason: 'damaged' },
    headers: { 'idempotency-key': 'rec-refund-1' },
  });
  expect(r.status).toBe(201);
  clock.advance(5_000);
  await runUntilIdle(s);
  clock.advance(120_000);
  await runUntilIdle(s);
  const rf = (await s.api(`/v1/orders/${paid.matched!.orderId}/refunds`)).body.data[0];
  expect(rf.status).toBe('succeeded');
  refund = { id: rf.id, providerRefundId: rf.provider_refund_id, amount: rf.amount };
  // Our ledger already holds a fee for this payment (as a provider's payment entity would have told us).
  const f = paid.fee!;
  const booked = await s.ctx.db.transaction((tx) =>
    recordProviderFee(tx, {
      merchantId: s.merchantId,
      provider: 'sandbox',
      providerPaymentId: f.ppid,
      orderId: f.orderId,
      fee: 2000,
      currency: 'INR',
      eventAt: clock.now(),
      source: 'test',
    }),
  );
  expect(booked.ok).toBe(true);
  late = await payNew('success', false);
  periodQuery = period();
  const p = paid;
  report = [
    HEADER,
    rzpRow({ id: p.matched!.ppid, amount: p.matched!.amount, fee: 300 }),
    rzpRow({ id: p.amount!.ppid, amount: p.amount!.amount - 100 }),
    rzpRow({ id: p.currency!.ppid, amount: p.currency!.amount, currency: 'USD' }),
    rzpRow({ id: p.duplicate!.ppid, amount: p.duplicate!.amount }),
    rzpRow({ id: p.duplicate!.ppid, amount: p.duplicate!.amount }),
    rzpRow({ id: p.fee!.ppid, amount: p.fee!.amount, fee: 2500 }),
    rzpRow({ id: 'pay_unknown_at_chatcart', amount: 4200 }),
    rzpRow({ id: late.ppid, amount: late.amount, receipt: late.ref }),
    rzpRow({ id: refund.providerRefundId, type: 'refund', amount: refund.amount, paymentId: p.matched!.ppid }),
    rzpRow({ id: 'rfnd_unknown_at_chatcart', type: 'refund', amount: 700, paymentId: p.amount!.ppid }),
    rzpRow({ id: 'adj_1', type: 'adjustment', amount: 50 }),
  ].join('\r\n');
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const upload = async (csv: string, query: string, key?: string) =>
  settled(s, await s.api(`/v1/reconciliations?${query}`, { rawBody: csv, headers: { 'content-type': 'text/csv' }, ...(key ? { key } : {}) }), key);
async function items(runId: string, category: string): Promise<any[]> {
  const r = await s.api(`/v1/reconciliations/${runId}/items?category=${category}&limit=100`);
  expect(r.status).toBe(200);
  return r.body.data;
}

let runId: string;

describe('reconciliation: a report with every category', () => {
  it('names each category with the right ids and totals', async () => {
    const r = await upload(report, `format=razorpay&provider=sandbox&file_name=recon.csv&${periodQuery}`);
    expect(r.status).toBe(202);
    runId = r.body.id;
    expect(runId).toMatch(/^rec_/);
    expect(r.body).toMatchObject({
      object: 'reconciliation',
      version: 1,
      format: 'razorpay',
      provider: 'sandbox',
      file_name: 'recon.csv',
      status: 'mismatches',
      row_count: 11,
    });
    const p = paid;
    const t = r.body.totals;
    expect(t.matched.count).toBe(3); // matched, the duplicate's first row, the refund
    expect(t.amount_mismatch).toEqual({ count: 1, amounts: { INR: -100 } });
    expect(t.currency_mismatch).toEqual({ count: 1, amounts: { USD: p.currency!.amount } });
    expect(t.duplicate_capture).toEqual({ count: 1, amounts: { INR: p.duplicate!.amount } });
    expect(t.missing_here).toEqual({ count: 2, amounts: { INR: 4200 + late.amount } });
    expect(t.missing_at_provider).toEqual({ count: 1, amounts: { INR: p.missingAtProvider!.amount } });
    expect(t.refund_not_reflected).toEqual({ count: 1, amounts: { INR: 700 } });
    expect(t.other).toEqual({ count: 1, amounts: { INR: 50 } });
    expect(t.fee_mismatch).toEqual({ count: 1, amounts: { INR: 500 } });

    const byCat = async (c: string) => (await items(runId, c)).map((i) => [i.line, i.provider_payment_id ?? i.provider_refund_id, i.order_id]);
    expect(await byCat('amount_mismatch')).toEqual([[3, p.amount!.ppid, p.amount!.orderId]]);
    expect(await byCat('currency_mismatch')).toEqual([[4, p.currency!.ppid, p.currency!.orderId]]);
    expect(await byCat('duplicate_capture')).toEqual([[6, p.duplicate!.ppid, p.duplicate!.orderId]]);
    expect(await byCat('missing_here')).toEqual([
      [8, 'pay_unknown_at_chatcart', null],
      [9, late.ppid, null],
    ]);
    expect(await byCat('missing_at_provider')).toEqual([[null, p.missingAtProvider!.ppid, p.missingAtProvider!.orderId]]);
    expect(await byCat('refund_not_reflected')).toEqual([[11, p.amount!.ppid, null]]);
    const matched = await items(runId, 'matched');
    expect(matched.find((i) => i.kind === 'refund')).toMatchObject({
      line: 10,
      refund_id: refund.id,
      provider_refund_id: refund.providerRefundId,
      order_id: p.matched!.orderId,
      amount: refund.amount,
    });
    const amount = (await items(runId, 'amount_mismatch'))[0];
    expect(amount).toMatchObject({
      expected_amount: p.amount!.amount,
      actual_amount: p.amount!.amount - 100,
      payment_id: p.amount!.paymentId,
      reference_id: p.amount!.ref,
    });
    expect((await items(runId, 'fee_mismatch'))[0]).toMatchObject({
      line: 7,
      provider_payment_id: p.fee!.ppid,
      expected_fee: 2000,
      actual_fee: 2500,
      amount: 500,
    });
    const got = await s.api(`/v1/reconciliations/${runId}`);
    expect(got.body.totals).toEqual(t);
  });

  it('the same file again is the same run (200), as text/csv or as JSON', async () => {
    const again = await upload(report, `format=razorpay&provider=sandbox&file_name=recon.csv&${periodQuery}`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(runId);
    const q = new URLSearchParams(periodQuery);
    const json = await s.api('/v1/reconciliations', {
      body: { format: 'razorpay', provider: 'sandbox', period_from: q.get('period_from'), period_to: q.get('period_to'), csv: report },
    });
    expect(json.status).toBe(200);
    expect(json.body.id).toBe(runId);
    const list = (await s.api('/v1/reconciliations')).body.data;
    expect(list.map((r: any) => r.id)).toEqual([runId]);
  });

  it('a rerun after the missing payment is recorded matches it, as a new version', async () => {
    await runUntilIdle(s); // the late payment's webhook is processed now
    const r = await settled(s, await s.api(`/v1/reconciliations/${runId}/rerun`, { method: 'POST', headers: { 'idempotency-key': 'rerun-1' } }));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ version: 2, rerun_of: runId });
    expect(r.body.totals.missing_here).toEqual({ count: 1, amounts: { INR: 4200 } });
    const lateItem = (await items(r.body.id, 'matched')).find((i) => i.provider_payment_id === late.ppid);
    expect(lateItem).toMatchObject({ line: 9, order_id: late.orderId });
    // The first version is kept as it was; a retried rerun (same key) is not a third run.
    expect((await s.api(`/v1/reconciliations/${runId}`)).body.totals.missing_here.count).toBe(2);
    const retry = await s.api(`/v1/reconciliations/${runId}/rerun`, { method: 'POST', headers: { 'idempotency-key': 'rerun-1' } });
    expect(retry.body.id).toBe(r.body.id);
    // Uploading the file again now answers with the newest version.
    expect((await upload(report, `format=razorpay&provider=sandbox&file_name=recon.csv&${periodQuery}`)).body.id).toBe(r.body.id);
  });

  it('items page in report order, filtered by category', async () => {
    const first = await s.api(`/v1/reconciliations/${runId}/items?limit=4`);
    expect(first.body.has_more).toBe(true);
    expect(first.body.data.map((i: any) => i.line)).toEqual([2, 3, 4, 5]);
    const next = await s.api(`/v1/reconciliations/${runId}/items?limit=100&starting_after=${encodeURIComponent(first.body.data[3].id)}`);
    expect(next.body.data[0].line).toBe(6);
    expect(next.body.data.at(-1).category).toBe('missing_at_provider');
    expectError(await s.api(`/v1/reconciliations/${runId}/items?category=lost`), 400, 'validation_error');
  });
});

describe('reconciliation: isolation and bad input', () => {
  it('another merchant sees none of it, and the same file is a new run of its own', async () => {
    const other = await otherMerchant(s, 'Recon other');
    expectError(await s.api(`/v1/reconciliations/${runId}`, { key: other.key }), 404, 'not_found');
    expectError(await s.api(`/v1/reconciliations/${runId}/items`, { key: other.key }), 404, 'not_found');
    expectError(await s.api(`/v1/reconciliations/${runId}/rerun`, { method: 'POST', key: other.key }), 404, 'not_found');
    expect((await s.api('/v1/reconciliations', { key: other.key })).body.data).toEqual([]);
    const theirs = await upload(report, `format=razorpay&provider=sandbox&${periodQuery}`, other.key);
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(runId);
    expect(theirs.body.totals.matched.count).toBe(0);
    expect(theirs.body.totals.missing_here.count).toBe(8);
  });

  it('a malformed or unknown file is a failed run whose failure names the line; bad settings are 400s', async () => {
    const failed = async (csv: string, query: string) => {
      const r = await upload(csv, query);
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ status: 'failed', row_count: 0, completed_at: expect.any(String) });
      expect(r.body.progress.items_imported).toBe(0);
      // Nothing of it is kept as items.
      expect((await s.api(`/v1/reconciliations/${r.body.id}/items`)).body.data).toEqual([]);
      return r.body.failure as { message: string; line: number | null };
    };
    const quote = await failed(`${HEADER}\r\n${rzpRow({ id: 'pay_1', amount: 100 })}\r\npay_2,"payment,100\r\n`, 'format=razorpay&provider=sandbox');
    expect(quote.line).toBe(3);
    expect(quote.message).toMatch(/not valid CSV \(line 3\)/);
    const stripeAsRzp = await failed('balance_transaction_id,reporting_category,gross,fee,currency\ntxn_1,charge,1.00,0,usd\n', 'format=razorpay');
    expect(stripeAsRzp.message).toMatch(/not a Razorpay settlement recon report/);
    expect(stripeAsRzp.line).toBe(1);
    const rupees = await failed(`${HEADER}\n${rzpRow({ id: 'pay_1', amount: 100 }).replace(',100,INR,', ',1.00,INR,')}\n`, 'format=razorpay');
    expect(rupees.message).toMatch(/line 2: .*amount_unit=major/);
    expect(rupees.line).toBe(2);
    expect((await failed(`${HEADER}\n`, 'format=razorpay')).message).toMatch(/header but no rows/);
    const ragged = await failed(`${HEADER}\n${rzpRow({ id: 'pay_1', amount: 100 })}\n${rzpRow({ id: 'pay_2', amount: 100 })},extra\n`, 'format=razorpay');
    expect(ragged.line).toBe(3);
    expectError(await upload(report, 'provider=sandbox'), 400, 'validation_error');
    expectError(await upload(report, 'format=generic&provider=sandbox'), 400, 'validation_error');
    expectError(await upload(report, 'format=generic&provider=sandbox&map=entity_id=nonsense'), 400, 'validation_error');
    expectError(await upload(report, 'format=razorpay&unknown=1'), 400, 'validation_error');
    expectError(await upload('', 'format=razorpay'), 400, 'validation_error');
    // Settings are checked before the body is read: nothing was stored for these.
    expectError(await s.api('/v1/reconciliations', { body: { format: 'razorpay', csv: report, extra: 1 } }), 400, 'validation_error');
    expectError(await s.api('/v1/reconciliations', { body: { format: 'paypal', csv: report } }), 400, 'validation_error');
    expectError(await s.api('/v1/reconciliations', { rawBody: report, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectError(await upload(report, 'format=razorpay&period_from=2026-03-01T00:00:00Z'), 400, 'validation_error');
    expectError(await s.api('/v1/reconciliations/rec_nope'), 404, 'not_found');
    await expectNo5xx(s);
  });

  it('apply_fees books the fees the ledger does not hold; a later report with another fee is a fee_mismatch', async () => {
    const m = paid.matched!;
    const mapping = 'format=generic&provider=sandbox&map=' + encodeURIComponent('Txn=provider_payment_id,Gross=amount,Fee=fee,Cur=currency');
    const applied = await upload(`Txn,Gross,Fee,Cur\n${m.ppid},${m.amount},300,INR\n`, `${mapping}&apply_fees=true`);
    expect(applied.status).toBe(202);
    expect(applied.body.apply_fees).toBe(true);
    const item = (await items(applied.body.id, 'matched'))[0];
    expect(item).toMatchObject({ provider_payment_id: m.ppid, expected_fee: 300, actual_fee: 300, note: 'fee 300 booked to the ledger' });
    const later = await upload(`Txn,Gross,Fee,Cur\n${m.ppid},${m.amount},350,INR\n`, mapping);
    expect(later.body.totals.fee_mismatch).toEqual({ count: 1, amounts: { INR: 50 } });
    expect((await items(later.body.id, 'fee_mismatch'))[0]).toMatchObject({ expected_fee: 300, actual_fee: 350 });
  });

  it('reads a generic report through a column mapping', async () => {
    const csv = `Txn,Gross,Cur,When\n${paid.matched!.ppid},${paid.matched!.amount},INR,${clock.now().toISOString()}\n`;
    const r = await upload(
      csv,
      `format=generic&provider=sandbox&map=${encodeURIComponent('Txn=provider_payment_id,Gross=amount,Cur=currency,When=occurred_at')}`,
    );
    expect(r.status).toBe(202);
    expect(r.body.totals.matched.count).toBe(1);
    expect(r.body.mapping).toEqual({ provider_payment_id: 'Txn', amount: 'Gross', currency: 'Cur', occurred_at: 'When' });
  });
});
