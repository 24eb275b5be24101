// POST /v1/orders/{id}/reorder: an expired or canceled bill leads to a new order for the same
// customer and catalog items at today's prices, linked to the old one, which stays closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, otherMerchant } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock('2026-05-01T08:00:00Z');
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

const create = async (over: Record<string, unknown> = {}) => {
  const r = await s.api('/v1/orders', { body: sampleOrder({ send: false, ...over }) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const reorder = (id: string, key?: string) => s.api(`/v1/orders/${id}/reorder`, { method: 'POST', body: {}, ...(key ? { key } : {}) });

describe('reorder', () => {
  it('an expired order: same customer and catalog items at the current price, linked; custom lines and adjustments stay behind', async () => {
    const old = await create({ expires_in: 600 });
    clock.advance(601_000);
    for (let n = await s.runner.runOnce(); n > 0; n = await s.runner.runOnce());
    expect((await s.api(`/v1/orders/${old.id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'expired' });

    const chai = (await s.api('/v1/products?limit=100')).body.data.find((p: any) => p.retailer_id === 'masala-chai');
    expect((await s.api(`/v1/products/${chai.id}`, { method: 'PATCH', body: { price: 26_900 } })).status).toBe(200);

    const r = await reorder(old.id);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      reordered_from: old.id,
      status: 'pending',
      payment_status: 'unpaid',
      customer: old.customer,
      currency: 'INR',
      tax: 0,
      total: 2 * 26_900,
    });
    expect(r.body.items.map((i: any) => [i.retailer_id, i.quantity, i.amount])).toEqual([['masala-chai', 2, 26_900]]);
    expect(r.body.payment).toMatchObject({ method: old.payment.method, provider: old.payment.provider });
    expect(r.body.payment.reference_id).not.toBe(old.payment.reference_id);
    // The old order stays closed; the new one says where it came from, also in its event.
    expect((await s.api(`/v1/orders/${old.id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'expired' });
    const events = (await s.api(`/v1/orders/${r.body.id}/events`)).body.data;
    expect(events[0]).toMatchObject({ type: 'order.created', data: { reordered_from: old.id } });
    expect((await s.api(`/v1/orders/${r.body.id}`)).body.reordered_from).toBe(old.id);
  });

  it('a canceled order too; an open or paid one is billed again instead (409), and a booking deposit never', async () => {
    const canceled = await create();
    expect((await s.api(`/v1/orders/${canceled.id}/cancel`, { body: {} })).status).toBe(200);
    expect((await reorder(canceled.id)).status).toBe(201);

    const open = await create();
    const refused = await reorder(open.id);
    expectError(refused, 409, 'conflict');
    expect(refused.body.error.message).toContain('/bill');

    const deposit = await create({ metadata: { booking_id: 'bkg_x' } });
    await s.api(`/v1/orders/${deposit.id}/cancel`, { body: {} });
    const noDeposit = await reorder(deposit.id);
    expectError(noDeposit, 409, 'conflict');
    expect(noDeposit.body.error.message).toContain('booking deposit');
  });

  it('refuses an order with nothing from the catalog, or whose products are no longer sold', async () => {
    const custom = await create({ items: [{ name: 'Gift wrap', amount: 5000, quantity: 1 }] });
    await s.api(`/v1/orders/${custom.id}/cancel`, { body: {} });
    expectError(await reorder(custom.id), 409, 'conflict');

    const p = (await s.api('/v1/products', { body: { retailer_id: 'seasonal-tea', name: 'Seasonal tea', price: 19_900, currency: 'INR' } })).body;
    const seasonal = await create({ items: [{ retailer_id: 'seasonal-tea', quantity: 1 }] });
    await s.api(`/v1/orders/${seasonal.id}/cancel`, { body: {} });
    await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { active: false } });
    const gone = await reorder(seasonal.id);
    expectError(gone, 409, 'conflict');
    expect(gone.body.error.details).toEqual({ retailer_ids: ['seasonal-tea'] });
  });

  it("another merchant's order is not found", async () => {
    const mine = await create();
    await s.api(`/v1/orders/${mine.id}/cancel`, { body: {} });
    const other = await otherMerchant(s, 'Reorder neighbour');
    expectError(await reorder(mine.id, other.key), 404, 'not_found');
  });
});
