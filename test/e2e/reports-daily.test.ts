// GET /v1/reports/daily: orders and revenue per day in the business time zone. An order at
// 20:00 UTC on 1 March is 2 March in India (01:30 IST): it counts on 2 March for a merchant
// in Asia/Kolkata. Revenue is what paid orders minus refunds, per currency, from the ledger;
// days without anything are zeros; the range is bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
let s: TestServer;
let totals: { morning: number; evening: number };

async function paidOrder(items: unknown[]) {
  const o = (await s.api('/v1/orders', { body: sampleOrder({ items, tax: undefined }) })).body;
  expect(o.id, JSON.stringify(o)).toMatch(/^ord_/);
  await payOrder(s, o.payment.url, 'success');
  await runUntilIdle(s);
  expect((await s.api(`/v1/orders/${o.id}`)).body.payment_status).toBe('paid');
  return o;
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata' } })).status).toBe(200);
  // 1 March 10:00 UTC = 15:30 IST on 1 March: paid, then 500 refunded the same minute.
  const morning = await paidOrder([{ name: 'Thali', amount: 25_000, quantity: 1 }]);
  const r = await s.api(`/v1/orders/${morning.id}/refunds`, { body: { amount: 500 }, headers: { 'idempotency-key': 'rep-r1' } });
  expect(r.status).toBe(201);
  clock.advance(5_000);
  await runUntilIdle(s);
  clock.advance(120_000);
  await runUntilIdle(s);
  expect((await s.api(`/v1/orders/${morning.id}`)).body.amount_refunded).toBe(500);
  // An unpaid order the same day.
  expect((await s.api('/v1/orders', { body: sampleOrder() })).status).toBe(201);
  // 1 March 20:00 UTC = 2 March 01:30 IST.
  clock.set(new Date('2026-03-01T20:00:00Z'));
  const evening = await paidOrder([{ name: 'Biryani', amount: 40_000, quantity: 1 }]);
  totals = { morning: morning.total, evening: evening.total };
  // 4 March: nothing happens on 3 March.
  clock.set(new Date('2026-03-04T06:00:00Z'));
});
afterAll(async () => {
  await s?.close();
});

const day = (body: any, date: string) => body.data.find((d: any) => d.date === date);

describe('daily report', () => {
  it('cuts days at midnight in the business time zone: 20:00 UTC counts on the next day in IST', async () => {
    const r = await s.api('/v1/reports/daily?from=2026-02-28&to=2026-03-04');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ object: 'daily_report', time_zone: 'Asia/Kolkata', from: '2026-02-28', to: '2026-03-04' });
    expect(r.body.data.map((d: any) => d.date)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(day(r.body, '2026-03-01')).toEqual({
      date: '2026-03-01',
      orders: 2,
      paid_orders: 1,
      revenue: [{ currency: 'INR', paid: totals.morning, refunded: 500, amount: totals.morning - 500 }],
    });
    expect(day(r.body, '2026-03-02')).toEqual({
      date: '2026-03-02',
      orders: 1,
      paid_orders: 1,
      revenue: [{ currency: 'INR', paid: totals.evening, refunded: 0, amount: totals.evening }],
    });
    // Days with nothing are zeros in the same currencies.
    for (const d of ['2026-02-28', '2026-03-03', '2026-03-04'])
      expect(day(r.body, d)).toEqual({ date: d, orders: 0, paid_orders: 0, revenue: [{ currency: 'INR', paid: 0, refunded: 0, amount: 0 }] });
    expect(r.body.totals).toEqual({
      orders: 3,
      paid_orders: 2,
      revenue: [{ currency: 'INR', paid: totals.morning + totals.evening, refunded: 500, amount: totals.morning + totals.evening - 500 }],
    });
  });

  it('in UTC the same orders fall on 1 March', async () => {
    await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'UTC' } });
    try {
      const r = await s.api('/v1/reports/daily?from=2026-03-01&to=2026-03-02');
      expect(r.body.time_zone).toBe('UTC');
      expect(day(r.body, '2026-03-01')).toMatchObject({ orders: 3, paid_orders: 2 });
      expect(day(r.body, '2026-03-02')).toMatchObject({ orders: 0, paid_orders: 0 });
    } finally {
      await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata' } });
    }
  });

  it('defaults to the last 30 days up to today in the business time zone', async () => {
    const r = await s.api('/v1/reports/daily');
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(30);
    expect(r.body.to).toBe('2026-03-04');
    expect(r.body.from).toBe('2026-02-03');
    expect(r.body.totals.orders).toBe(3);
    expect((await s.api('/v1/reports/daily?from=2026-03-01')).body).toMatchObject({ from: '2026-03-01', to: '2026-03-30' });
  });

  it('refuses bad dates, a reversed range and more than 366 days', async () => {
    expectValidation(await s.api('/v1/reports/daily?from=2026-02-30&to=2026-03-01'), 'from');
    expectValidation(await s.api('/v1/reports/daily?from=01-03-2026&to=2026-03-01'), 'from');
    expectValidation(await s.api('/v1/reports/daily?from=2026-03-02&to=2026-03-01'), 'to');
    const long = await s.api('/v1/reports/daily?from=2025-01-01&to=2026-01-02');
    expectValidation(long, 'to');
    expect(long.body.error.message).toMatch(/366 days/);
    expect((await s.api('/v1/reports/daily?from=2025-01-02&to=2026-01-02')).status).toBe(200);
    expectValidation(await s.api('/v1/reports/daily?from=2026-03-01&surprise=1'), 'querystring.surprise');
    expectError(await s.api('/v1/reports/daily', { key: null }), 401, 'unauthorized');
  });

  it("another merchant's report has none of it, and no currency until it has one", async () => {
    const other = await otherMerchant(s);
    const r = await s.api('/v1/reports/daily?from=2026-03-01&to=2026-03-02', { key: other.key });
    expect(r.body.totals).toEqual({ orders: 0, paid_orders: 0, revenue: [] });
    expect(day(r.body, '2026-03-01')).toEqual({ date: '2026-03-01', orders: 0, paid_orders: 0, revenue: [] });
    await expectNo5xx(s);
  });
});
