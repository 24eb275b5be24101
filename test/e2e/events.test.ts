// GET /v1/events: the merchant's log, newest first, filtered by type and order_id,
// paginated, with source and actor naming who made each change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, keyIdOf, otherMerchant, walk } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let demoKeyId: string;
let second: { id: string; key: string };
let other: Awaited<ReturnType<typeof otherMerchant>>;
const orders: string[] = [];
let theirOrder: string;

beforeAll(async () => {
  s = await startTestServer();
  demoKeyId = await keyIdOf(s, s.demoKey);
  const k = await s.api('/v1/api-keys', { body: { name: 'second' } });
  second = { id: k.body.id, key: k.body.key };
  other = await otherMerchant(s);
  // Three orders by the demo key, one by the second key; one moves on, one is canceled.
  for (let i = 0; i < 3; i++) orders.push((await s.api('/v1/orders', { body: sampleOrder() })).body.id);
  orders.push((await s.api('/v1/orders', { body: sampleOrder(), key: second.key })).body.id);
  expect((await s.api(`/v1/orders/${orders[0]}/status`, { body: { status: 'processing' } })).status).toBe(200);
  expect((await s.api(`/v1/orders/${orders[1]}/cancel`, { body: {}, key: second.key })).status).toBe(200);
  theirOrder = (await s.api('/v1/orders', { body: sampleOrder({ items: [{ name: 'x', amount: 5, quantity: 1 }] }), key: other.key })).body.id;
});
afterAll(async () => {
  await s?.close();
});

describe('GET /v1/events', () => {
  it('every event has an evt_ id, source api and the acting key as actor', async () => {
    const r = await s.api('/v1/events?limit=100');
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeGreaterThanOrEqual(6);
    for (const e of r.body.data) {
      expect(e).toMatchObject({ id: expect.stringMatching(/^evt_[0-9a-z]{26}$/), object: 'event', source: 'api', actor: expect.stringMatching(/^key_/) });
      expect(new Date(e.created_at).toISOString()).toBe(e.created_at);
      expect(orders).toContain(e.order_id);
      expect(e.seq).toBeGreaterThanOrEqual(1);
    }
    const byOrder = (id: string) => r.body.data.filter((e: any) => e.order_id === id);
    expect(byOrder(orders[3]!).map((e: any) => e.actor)).toEqual([second.id]);
    expect(byOrder(orders[0]!).every((e: any) => e.actor === demoKeyId)).toBe(true);
    // The cancel by the second key is attributed to it, the creation to the demo key.
    const canceled = byOrder(orders[1]!);
    expect(canceled.find((e: any) => e.type === 'order.created').actor).toBe(demoKeyId);
    expect(canceled.find((e: any) => e.type === 'order.canceled').actor).toBe(second.id);
  });

  it('is newest first and holds no other merchant’s events', async () => {
    const r = await s.api('/v1/events?limit=100');
    const ids = r.body.data.map((e: any) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(r.body.data.map((e: any) => e.order_id)).not.toContain(theirOrder);
    const theirs = await s.api('/v1/events', { key: other.key });
    expect(theirs.body.data.map((e: any) => e.order_id)).toEqual([theirOrder]);
  });

  it('?type=order.created returns only creations, one per order', async () => {
    const r = await s.api('/v1/events?type=order.created&limit=100');
    expect(r.body.data.every((e: any) => e.type === 'order.created')).toBe(true);
    expect(r.body.data.map((e: any) => e.order_id).sort()).toEqual([...orders].sort());
    for (const e of r.body.data) {
      expect(e.seq).toBe(1);
      expect(e.data).toMatchObject({
        currency: 'INR',
        total: expect.any(Number),
        payment_id: expect.stringMatching(/^pay_/),
        reference_id: expect.any(String),
      });
    }
    expect((await s.api('/v1/events?type=order.status_changed')).body.data.map((e: any) => e.order_id)).toEqual([orders[0]]);
    expect((await s.api('/v1/events?type=no.such.type')).body.data).toEqual([]);
  });

  it('?order_id= returns that order’s events only', async () => {
    const r = await s.api(`/v1/events?order_id=${orders[1]}`);
    expect(r.body.data.length).toBeGreaterThanOrEqual(2);
    expect(r.body.data.every((e: any) => e.order_id === orders[1])).toBe(true);
    expect(r.body.data.map((e: any) => e.seq)).toEqual(r.body.data.map((_: unknown, i: number) => r.body.data.length - i));
    const both = await s.api(`/v1/events?order_id=${orders[1]}&type=order.canceled`);
    expect(both.body.data).toHaveLength(1);
    // Another merchant's order id filters to nothing.
    expect((await s.api(`/v1/events?order_id=${theirOrder}`)).body.data).toEqual([]);
  });

  it('walks all pages with limit and starting_after: no duplicates, none missing', async () => {
    const all = (await s.api('/v1/events?limit=100')).body.data.map((e: any) => e.id);
    for (const limit of [1, 2, 5]) {
      const r = await walk(s, '/v1/events', limit);
      expect(r.ids).toEqual(all);
    }
    const filtered = await walk(s, '/v1/events?type=order.created', 3);
    expect(filtered.pages).toEqual([3, 1]);
  });

  it.each(['limit=0', 'limit=1000', 'kind=order.created', `type=${'x'.repeat(101)}`])('refuses ?%s with 400', async (q) => {
    expectError(await s.api(`/v1/events?${q}`), 400, 'validation_error');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
