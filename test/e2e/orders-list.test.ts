// GET /v1/orders: filters (status, payment_status, wa_id, created_gte/lt, combined)
// and cursor pagination over them. A manual clock places orders in time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, otherMerchant, walk } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const T0 = new Date('2026-04-01T00:00:00Z');
const HOUR = 3600_000;
const clock = new ManualClock(T0);
let s: TestServer;

const WA = { a: '911111111111', b: '912222222222', pages: '913333333333' };
const ids = { a: [] as string[], b: [] as string[], pages: [] as string[], canceled: '', processing: '' };

async function order(wa_id: string): Promise<string> {
  const r = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id } }) });
  expect(r.status).toBe(201);
  return r.body.id;
}

const at = (h: number) => new Date(T0.getTime() + h * HOUR).toISOString();
const list = async (q: string) => {
  const r = await s.api(`/v1/orders?limit=100&${q}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data.map((o: any) => o.id) as string[];
};

beforeAll(async () => {
  s = await startTestServer({ clock });
  // Hour 0: a1, b1. Hour 1: a2, b2. Hour 2: a3. Then 7 orders for pagination at hour 3.
  ids.a.push(await order(WA.a));
  ids.b.push(await order(WA.b));
  clock.advance(HOUR);
  ids.a.push(await order(WA.a));
  ids.b.push(await order(WA.b));
  clock.advance(HOUR);
  ids.a.push(await order(WA.a));
  clock.advance(HOUR);
  for (let i = 0; i < 7; i++) ids.pages.push(await order(WA.pages));
  ids.canceled = ids.b[0]!;
  ids.processing = ids.a[1]!;
  expect((await s.api(`/v1/orders/${ids.canceled}/cancel`, { body: {} })).status).toBe(200);
  expect((await s.api(`/v1/orders/${ids.processing}/status`, { body: { status: 'processing' } })).status).toBe(200);
  // Another merchant's order for the same customer.
  const other = await otherMerchant(s);
  expect(
    (await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: WA.a }, items: [{ name: 'x', amount: 1, quantity: 1 }] }), key: other.key })).status,
  ).toBe(201);
});
afterAll(async () => {
  await s?.close();
});

const sorted = (xs: string[]) => [...xs].sort();

describe('filters', () => {
  it('wa_id returns that customer’s orders only, newest first', async () => {
    expect(await list(`wa_id=${WA.a}`)).toEqual([...ids.a].reverse());
    expect(await list(`wa_id=${WA.b}`)).toEqual([...ids.b].reverse());
    expect(await list('wa_id=919999999999')).toEqual([]);
  });

  it('status', async () => {
    expect(await list('status=canceled')).toEqual([ids.canceled]);
    expect(await list('status=processing')).toEqual([ids.processing]);
    const pending = await list('status=pending');
    expect(sorted(pending)).toEqual(sorted([...ids.a, ...ids.b, ...ids.pages].filter((id) => id !== ids.canceled && id !== ids.processing)));
    expect(await list('status=completed')).toEqual([]);
  });

  it('payment_status', async () => {
    expect(await list('payment_status=canceled')).toEqual([ids.canceled]);
    const unpaid = await list('payment_status=unpaid');
    expect(unpaid).toHaveLength(ids.a.length + ids.b.length + ids.pages.length - 1);
    expect(unpaid).not.toContain(ids.canceled);
    expect(await list('payment_status=paid')).toEqual([]);
  });

  it('created_gte is inclusive and created_lt exclusive', async () => {
    expect(sorted(await list(`created_lt=${at(1)}`))).toEqual(sorted([ids.a[0]!, ids.b[0]!]));
    expect(sorted(await list(`created_gte=${at(1)}&created_lt=${at(2)}`))).toEqual(sorted([ids.a[1]!, ids.b[1]!]));
    expect(sorted(await list(`created_gte=${at(2)}`))).toEqual(sorted([ids.a[2]!, ...ids.pages]));
    expect(await list(`created_gte=${at(4)}`)).toEqual([]);
    // An offset other than Z names the same instant.
    const plus0530 = '2026-04-01T06:30:00+05:30'; // = hour 1 UTC
    expect(sorted(await list(`created_gte=${encodeURIComponent(plus0530)}&created_lt=${at(2)}`))).toEqual(sorted([ids.a[1]!, ids.b[1]!]));
  });

  it('combines filters', async () => {
    expect(await list(`wa_id=${WA.a}&status=processing`)).toEqual([ids.processing]);
    expect(await list(`wa_id=${WA.b}&payment_status=unpaid&created_gte=${at(1)}`)).toEqual([ids.b[1]]);
    expect(await list(`wa_id=${WA.a}&status=canceled`)).toEqual([]);
  });

  it.each([
    'status=shipping',
    'status=PENDING',
    'payment_status=done',
    'wa_id=%2B911111111111',
    'wa_id=abc',
    'created_gte=yesterday',
    'created_lt=2026-04-01',
    'customer=abc',
    'customer=cus_123',
    'status=pending,nope',
    'expires_before=soon',
  ])('refuses ?%s with 400', async (q) => {
    expectError(await s.api(`/v1/orders?${q}`), 400, 'validation_error');
  });
});

describe('pagination', () => {
  it('walks a filtered list: full pages, has_more, no duplicates, none missing', async () => {
    const r = await walk(s, `/v1/orders?wa_id=${WA.pages}`, 3);
    expect(r.pages).toEqual([3, 3, 1]);
    expect(r.ids).toEqual([...ids.pages].reverse());
  });

  it('walks every order with limit=1 and limit=4 the same way', async () => {
    const all = await list('');
    expect(all).toHaveLength(ids.a.length + ids.b.length + ids.pages.length);
    const one = await walk(s, '/v1/orders', 1);
    const four = await walk(s, '/v1/orders', 4);
    expect(one.ids).toEqual(all);
    expect(four.ids).toEqual(all);
    expect(new Set(one.ids).size).toBe(all.length);
  });

  it('has_more is true only when another page exists', async () => {
    const first = await s.api(`/v1/orders?wa_id=${WA.a}&limit=2`);
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    const last = await s.api(`/v1/orders?wa_id=${WA.a}&limit=2&starting_after=${first.body.data[1].id}`);
    expect(last.body.has_more).toBe(false);
    expect(last.body.data.map((o: any) => o.id)).toEqual([ids.a[0]]);
    const exact = await s.api(`/v1/orders?wa_id=${WA.a}&limit=3`);
    expect(exact.body.has_more).toBe(false);
  });

  it('list items are full orders with their current payment', async () => {
    const r = await s.api(`/v1/orders?wa_id=${WA.a}&limit=1`);
    const one = await s.api(`/v1/orders/${r.body.data[0].id}`);
    expect(r.body.data[0]).toEqual(one.body);
    expect(one.body.payment.id).toMatch(/^pay_/);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
