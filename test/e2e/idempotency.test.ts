// Idempotency-Key on POST and PATCH: replays, mismatches, keys per merchant, refused
// requests that store nothing, and 20 concurrent retries creating exactly one order.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, useServerWithOther, type otherMerchant } from '../support/e2e.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';

let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;

const h = useServerWithOther();
beforeAll(() => {
  ({ s, other } = h);
});

const post = (path: string, body: unknown, key: string, apiKey?: string) =>
  s.api(path, { body, headers: { 'idempotency-key': key }, ...(apiKey ? { key: apiKey } : {}) });
const orderCount = async (apiKey?: string) => (await s.api('/v1/orders?limit=100', apiKey ? { key: apiKey } : {})).body.data.length as number;
const productCount = async () => (await s.api('/v1/products?limit=100')).body.data.length as number;

describe('Idempotency-Key', () => {
  it('a replay returns the same status and body with idempotent-replayed: true and creates nothing', async () => {
    const before = await orderCount();
    const first = await post('/v1/orders', sampleOrder(), 'order-replay-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same body with other key order and whitespace: the same request.
    const { customer, ...rest } = sampleOrder();
    const second = await s.api('/v1/orders', { rawBody: JSON.stringify({ ...rest, customer }, null, 2), headers: { 'idempotency-key': 'order-replay-1' } });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    expect(await orderCount()).toBe(before + 1);
    expect((await s.api(`/v1/events?order_id=${first.body.id}`)).body.data).toHaveLength(1);
  });

  it('replays order actions too (a second cancel with the key is the stored answer)', async () => {
    const o = (await s.api('/v1/orders', { body: sampleOrder() })).body;
    const a = await post(`/v1/orders/${o.id}/status`, { status: 'processing' }, 'status-1');
    const b = await post(`/v1/orders/${o.id}/status`, { status: 'processing' }, 'status-1');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.body).toEqual(a.body);
    const p = await s.api('/v1/products', { body: { retailer_id: 'idem-p', name: 'P', price: 10, currency: 'INR' } });
    const patch1 = await s.api(`/v1/products/${p.body.id}`, { method: 'PATCH', body: { price: 20 }, headers: { 'idempotency-key': 'patch-1' } });
    const patch2 = await s.api(`/v1/products/${p.body.id}`, { method: 'PATCH', body: { price: 20 }, headers: { 'idempotency-key': 'patch-1' } });
    expect(patch2.headers.get('idempotent-replayed')).toBe('true');
    expect(patch2.body).toEqual(patch1.body);
  });

  it('the same key with a different body is 422 idempotency_key_mismatch and creates nothing', async () => {
    expect((await post('/v1/orders', sampleOrder(), 'mismatch-1')).status).toBe(201);
    const before = await orderCount();
    const r = await post('/v1/orders', sampleOrder({ metadata: { n: '2' } }), 'mismatch-1');
    expectError(r, 422, 'idempotency_key_mismatch');
    expect(await orderCount()).toBe(before);
  });

  it('the same key on a different path is 422', async () => {
    expect((await post('/v1/products', { retailer_id: 'path-1', name: 'A', price: 1, currency: 'INR' }, 'path-key')).status).toBe(201);
    expectError(await post('/v1/orders', sampleOrder(), 'path-key'), 422, 'idempotency_key_mismatch');
    expectError(await post('/v1/api-keys', {}, 'path-key'), 422, 'idempotency_key_mismatch');
  });

  it('a request refused by validation stores nothing: a fixed retry with the same key succeeds', async () => {
    // Refused by the schema.
    expectError(await post('/v1/orders', sampleOrder({ currency: 'inr' }), 'fix-1'), 400, 'validation_error');
    const fixed = await post('/v1/orders', sampleOrder(), 'fix-1');
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
    // Refused by the use case (unknown retailer_id).
    expectError(await post('/v1/orders', sampleOrder({ items: [{ retailer_id: 'nope', quantity: 1 }] }), 'fix-2'), 400, 'validation_error');
    const fixed2 = await post('/v1/orders', sampleOrder(), 'fix-2');
    expect(fixed2.status).toBe(201);
    expect(fixed2.body.id).not.toBe(fixed.body.id);
    // Refused as a conflict (duplicate retailer_id).
    expectError(await post('/v1/products', { retailer_id: 'masala-chai', name: 'Dup', price: 1, currency: 'INR' }, 'fix-3'), 409, 'conflict');
    expect((await post('/v1/products', { retailer_id: 'fix-3', name: 'New', price: 1, currency: 'INR' }, 'fix-3')).status).toBe(201);
    // A refused transition is not stored either.
    const o = (await s.api('/v1/orders', { body: sampleOrder() })).body;
    expect((await s.api(`/v1/orders/${o.id}/status`, { body: { status: 'completed' } })).status).toBe(200);
    expectError(await post(`/v1/orders/${o.id}/status`, { status: 'processing' }, 'fix-4'), 409, 'invalid_transition');
    expectError(await post(`/v1/orders/${o.id}/status`, { status: 'processing' }, 'fix-4'), 409, 'invalid_transition');
  });

  it('keys are per merchant: the same key by another merchant is independent', async () => {
    const body = { retailer_id: 'shared-key', name: 'Shared', price: 100, currency: 'INR' };
    const mine = await post('/v1/products', body, 'merchant-scoped');
    const theirs = await post('/v1/products', body, 'merchant-scoped', other.key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    // And a different body under the same key is fine for the other merchant.
    const theirOrder = await post('/v1/orders', sampleOrder({ items: [{ name: 'x', amount: 5, quantity: 1 }] }), 'mismatch-1', other.key);
    expect(theirOrder.status).toBe(201);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['with a space', 'my key'],
  ])('an invalid Idempotency-Key (%s) is 400 and nothing is created', async (_label, key) => {
    const before = await productCount();
    const r = await post('/v1/products', { retailer_id: `bad-key-${key.length}`, name: 'x', price: 1, currency: 'INR' }, key);
    const e = expectError(r, 400, 'validation_error');
    expect(JSON.stringify(e)).toMatch(/Idempotency-Key/);
    expect(await productCount()).toBe(before);
  });

  it('takes a key of 255 printable characters', async () => {
    const r = await post('/v1/products', { retailer_id: 'long-key', name: 'x', price: 1, currency: 'INR' }, `${'k'.repeat(250)}!~#$%`);
    expect(r.status).toBe(201);
  });

  it('20 concurrent POST /v1/orders with one key create exactly one order', async () => {
    const before = await orderCount();
    const body = sampleOrder({ metadata: { attempt: 'concurrent' } });
    const rs = await Promise.all(Array.from({ length: 20 }, () => post('/v1/orders', body, 'concurrent-1')));
    expect(await orderCount()).toBe(before + 1);
    const created = (await s.api('/v1/orders?limit=1')).body.data[0];
    expect(created.metadata).toEqual({ attempt: 'concurrent' });
    for (const r of rs) {
      if (r.status === 201) expect(r.body.id).toBe(created.id);
      else expectError(r, 409, 'idempotency_key_in_use');
    }
    expect(rs.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect((await s.api('/v1/events?type=order.created&limit=100')).body.data.filter((e: any) => e.order_id === created.id)).toHaveLength(1);
    // Once settled, a retry replays.
    const later = await post('/v1/orders', body, 'concurrent-1');
    expect(later.status).toBe(201);
    expect(later.body.id).toBe(created.id);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
