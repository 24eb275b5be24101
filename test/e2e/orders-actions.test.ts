// Order actions: POST /v1/orders/{id}/status and /cancel, their transition rules,
// and the order's timeline (gap-free seq) in GET /v1/orders/{id}/events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, expectValidation, keyIdOf, otherMerchant } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let demoKeyId: string;
let other: Awaited<ReturnType<typeof otherMerchant>>;

beforeAll(async () => {
  s = await startTestServer();
  demoKeyId = await keyIdOf(s, s.demoKey);
  other = await otherMerchant(s);
});
afterAll(async () => {
  await s?.close();
});

async function newOrder(key?: string): Promise<any> {
  // The other merchant has no catalog: its orders use an item outside it.
  const r = await s.api('/v1/orders', key ? { body: sampleOrder({ items: [{ name: 'Tea', amount: 900, quantity: 1 }] }), key } : { body: sampleOrder() });
  expect(r.status).toBe(201);
  return r.body;
}
const setStatus = (id: string, status: string, extra: Record<string, unknown> = {}) => s.api(`/v1/orders/${id}/status`, { body: { status, ...extra } });
async function timeline(id: string): Promise<any[]> {
  const r = await s.api(`/v1/orders/${id}/events`);
  expect(r.status).toBe(200);
  return r.body.data;
}

describe('POST /v1/orders/{id}/status', () => {
  it('pending → processing → shipped → partially_shipped → completed, each recorded', async () => {
    const o = await newOrder();
    const path = ['processing', 'shipped', 'partially_shipped', 'completed'];
    let prev = 'pending';
    for (const to of path) {
      const r = await setStatus(o.id, to, { description: `now ${to}` });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: o.id, object: 'order', status: to, payment_status: 'unpaid', total: o.total });
      expect((await s.api(`/v1/orders/${o.id}`)).body.status).toBe(to);
      const last = (await timeline(o.id)).at(-1);
      expect(last).toMatchObject({
        type: 'order.status_changed',
        data: { status: to, description: `now ${to}` },
        previous: { status: prev },
        source: 'api',
        actor: demoKeyId,
      });
      prev = to;
    }
    const events = await timeline(o.id);
    expect(events.map((e) => e.type)).toEqual(['order.created', ...path.map(() => 'order.status_changed')]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('completed is terminal: every other status is 409 invalid_transition', async () => {
    const o = await newOrder();
    expect((await setStatus(o.id, 'completed')).status).toBe(200);
    for (const to of ['pending', 'processing', 'partially_shipped', 'shipped', 'canceled']) {
      const e = expectError(await setStatus(o.id, to), 409, 'invalid_transition');
      expect(e.details).toMatchObject({ from: 'completed', to });
    }
    expectError(await s.api(`/v1/orders/${o.id}/cancel`, { body: {} }), 409, 'invalid_transition');
    expect((await s.api(`/v1/orders/${o.id}`)).body.status).toBe('completed');
    expect((await timeline(o.id)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('nothing moves back to pending', async () => {
    const o = await newOrder();
    expect((await setStatus(o.id, 'shipped')).status).toBe(200);
    expectError(await setStatus(o.id, 'pending'), 409, 'invalid_transition');
  });

  it('re-posting the current status is 200 and appends no event', async () => {
    const o = await newOrder();
    const same = await setStatus(o.id, 'pending');
    expect(same.status).toBe(200);
    expect(same.body.status).toBe('pending');
    expect(same.body.updated_at).toBe(o.updated_at);
    expect((await setStatus(o.id, 'processing')).status).toBe(200);
    const again = await setStatus(o.id, 'processing', { description: 'still processing' });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('processing');
    expect((await timeline(o.id)).map((e) => e.type)).toEqual(['order.created', 'order.status_changed']);
  });

  it('refuses unknown statuses, extra fields and a missing body with 400', async () => {
    const o = await newOrder();
    expectValidation(await setStatus(o.id, 'delivered'), 'status');
    expectValidation(await setStatus(o.id, 'processing', { notify: false }), 'notify');
    expectValidation(await setStatus(o.id, 'processing', { description: 'x'.repeat(121) }), 'description');
    expectError(await s.api(`/v1/orders/${o.id}/status`, { method: 'POST' }), 400, 'validation_error');
    expect(await timeline(o.id)).toHaveLength(1);
  });
});

describe('POST /v1/orders/{id}/cancel', () => {
  it('cancels an unpaid order: status and payment_status canceled, attempt canceled, gap-free events', async () => {
    const o = await newOrder();
    const r = await s.api(`/v1/orders/${o.id}/cancel`, { body: { reason: 'customer asked' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: o.id, status: 'canceled', payment_status: 'canceled', cancel_reason: 'customer asked' });
    expect(r.body.payment).toMatchObject({ id: o.payment.id, status: 'canceled' });
    const attempts = await s.api(`/v1/orders/${o.id}/payments`);
    expect(attempts.body.data.map((p: any) => [p.id, p.status])).toEqual([[o.payment.id, 'canceled']]);

    const events = await timeline(o.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0].type).toBe('order.created');
    const canceled = events.find((e) => e.type === 'order.canceled');
    expect(canceled).toMatchObject({
      order_id: o.id,
      source: 'api',
      actor: demoKeyId,
      data: { status: 'canceled', payment_status: 'canceled', reason: 'customer asked' },
      previous: { status: 'pending', payment_status: 'unpaid' },
    });
    expect(events.at(-1).type).toBe('order.canceled');
  });

  it('canceling twice is a 200 no-op; a body-less cancel works', async () => {
    const o = await newOrder();
    const first = await s.api(`/v1/orders/${o.id}/cancel`, { method: 'POST' });
    expect(first.status).toBe(200);
    const n = (await timeline(o.id)).length;
    const second = await s.api(`/v1/orders/${o.id}/cancel`, { body: { reason: 'again' } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'canceled', payment_status: 'canceled', cancel_reason: null });
    expect(await timeline(o.id)).toHaveLength(n);
    // The status route with `canceled` is the same no-op.
    expect((await setStatus(o.id, 'canceled')).status).toBe(200);
    expect(await timeline(o.id)).toHaveLength(n);
  });

  it('a canceled order refuses every other status with 409', async () => {
    const o = await newOrder();
    expect((await setStatus(o.id, 'canceled', { description: 'out of stock' })).body.status).toBe('canceled');
    for (const to of ['pending', 'processing', 'partially_shipped', 'shipped', 'completed']) {
      const e = expectError(await setStatus(o.id, to), 409, 'invalid_transition');
      expect(e.details).toMatchObject({ from: 'canceled', to });
    }
    expect((await s.api(`/v1/orders/${o.id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'canceled' });
  });

  it('a shipped order can still be canceled while unpaid', async () => {
    const o = await newOrder();
    expect((await setStatus(o.id, 'shipped')).status).toBe(200);
    const r = await s.api(`/v1/orders/${o.id}/cancel`, { body: {} });
    expect(r.body).toMatchObject({ status: 'canceled', payment_status: 'canceled' });
    expect((await timeline(o.id)).at(-1)).toMatchObject({ type: 'order.canceled', previous: { status: 'shipped' } });
  });

  it('refuses unknown fields and a too-long reason', async () => {
    const o = await newOrder();
    expectValidation(await s.api(`/v1/orders/${o.id}/cancel`, { body: { refund: true } }), 'refund');
    expectValidation(await s.api(`/v1/orders/${o.id}/cancel`, { body: { reason: 'x'.repeat(501) } }), 'reason');
    expect((await s.api(`/v1/orders/${o.id}`)).body.status).toBe('pending');
  });
});

describe('GET /v1/orders/{id}/events', () => {
  it('pages through the timeline oldest first', async () => {
    const o = await newOrder();
    for (const to of ['processing', 'shipped', 'partially_shipped', 'shipped', 'completed']) expect((await setStatus(o.id, to)).status).toBe(200);
    const seqs: number[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const r = await s.api(`/v1/orders/${o.id}/events?limit=2${after ? `&starting_after=${after}` : ''}`);
      expect(r.status).toBe(200);
      seqs.push(...r.body.data.map((e: any) => e.seq));
      after = r.body.has_more ? r.body.data.at(-1).id : undefined;
      pages++;
    } while (after);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });
});

describe("another merchant's order", () => {
  it('is 404 for status, cancel, payments and events, and stays untouched', async () => {
    const theirs = await newOrder(other.key);
    expectError(await setStatus(theirs.id, 'processing'), 404, 'not_found');
    expectError(await s.api(`/v1/orders/${theirs.id}/cancel`, { body: {} }), 404, 'not_found');
    expectError(await s.api(`/v1/orders/${theirs.id}/payments`), 404, 'not_found');
    expectError(await s.api(`/v1/orders/${theirs.id}/events`), 404, 'not_found');
    const r = await s.api(`/v1/orders/${theirs.id}`, { key: other.key });
    expect(r.body).toMatchObject({ status: 'pending', payment_status: 'unpaid' });
    expect((await s.api(`/v1/orders/${theirs.id}/events`, { key: other.key })).body.data).toHaveLength(1);
  });

  it('unknown order ids are 404 for every action', async () => {
    const id = 'ord_00000000000000000000000000';
    expectError(await setStatus(id, 'processing'), 404, 'not_found');
    expectError(await s.api(`/v1/orders/${id}/cancel`, { body: {} }), 404, 'not_found');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
