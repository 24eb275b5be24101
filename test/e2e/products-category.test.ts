// products.category through the API: set on create (trimmed, blank = none), changed and
// cleared with PATCH, shown in every product, filtered with ?category=, bounded — and
// the order-food flow's menu groups by it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMenu } from '../../src/modules/flows/definitions/order-food.menu.ts';
import { expectValidation, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const product = (retailer_id: string, extra: Record<string, unknown> = {}) => ({
  retailer_id,
  name: `Dish ${retailer_id}`,
  price: 10_000,
  currency: 'INR',
  ...extra,
});

describe('product category', () => {
  it('is set, trimmed, changed, cleared and filtered', async () => {
    const a = await s.api('/v1/products', { body: product('cat-a', { category: '  Starters ' }) });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.category).toBe('Starters');
    const b = await s.api('/v1/products', { body: product('cat-b') });
    expect(b.body.category).toBeNull();
    const c = await s.api('/v1/products', { body: product('cat-c', { category: '   ' }) });
    expect(c.body.category).toBeNull();

    expect((await s.api(`/v1/products/${a.body.id}`)).body.category).toBe('Starters');
    const moved = await s.api(`/v1/products/${b.body.id}`, { method: 'PATCH', body: { category: 'Starters' } });
    expect(moved.body.category).toBe('Starters');
    const listed = await s.api('/v1/products?category=Starters');
    expect(listed.body.data.map((p: any) => p.retailer_id).sort()).toEqual(['cat-a', 'cat-b']);
    expect((await s.api('/v1/products?category=starters')).body.data).toEqual([]);

    const untouched = await s.api(`/v1/products/${a.body.id}`, { method: 'PATCH', body: { name: 'Renamed' } });
    expect(untouched.body.category).toBe('Starters');
    const cleared = await s.api(`/v1/products/${a.body.id}`, { method: 'PATCH', body: { category: null } });
    expect(cleared.body.category).toBeNull();
    expect((await s.api('/v1/products?category=Starters')).body.data.map((p: any) => p.retailer_id)).toEqual(['cat-b']);

    // Another merchant's filter sees only its own products.
    const other = await otherMerchant(s, 'Category neighbour');
    expect((await s.api('/v1/products?category=Starters', { key: other.key })).body.data).toEqual([]);

    // The flow's menu groups by it.
    const menu = await loadMenu(s.ctx.db as any, s.merchantId);
    expect(menu.categories.find((x) => x.title === 'Starters')?.items.map((p) => p.retailer_id)).toEqual(['cat-b']);
  });

  it('refuses a category that is too long or not a string', async () => {
    expectValidation(await s.api('/v1/products', { body: product('cat-long', { category: 'x'.repeat(101) }) }), 'category');
    expectValidation(await s.api('/v1/products', { body: product('cat-num', { category: 5 }) }), 'category');
    const p = await s.api('/v1/products', { body: product('cat-ok') });
    expectValidation(await s.api(`/v1/products/${p.body.id}`, { method: 'PATCH', body: { category: 'y'.repeat(101) } }), 'category');
    expectValidation(await s.api(`/v1/products?category=${'z'.repeat(101)}`), 'querystring.category');
  });
});
