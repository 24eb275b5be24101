// Products: create, get, update, list with cursor pagination, validation, and
// isolation between merchants.
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_MINOR } from '../../src/domain/money.ts';
import { expectError, expectNo5xx, expectValidation, useServerWithOther, walk, type otherMerchant } from '../support/e2e.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;

const h = useServerWithOther();
beforeAll(() => {
  ({ s, other } = h);
});

const product = (over: Record<string, unknown> = {}) => ({ retailer_id: 'sku-1', name: 'Cardamom (100 g)', price: 12_500, currency: 'INR', ...over });

describe('POST /v1/products', () => {
  it('creates a product (201) with defaults, readable by GET', async () => {
    const r = await s.api('/v1/products', { body: product({ retailer_id: 'create-1', description: 'Green pods', image_url: 'https://example.com/c.jpg' }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^prd_[0-9a-z]{26}$/),
      object: 'product',
      retailer_id: 'create-1',
      name: 'Cardamom (100 g)',
      price: 12_500,
      currency: 'INR',
      description: 'Green pods',
      image_url: 'https://example.com/c.jpg',
      active: true,
    });
    expect(new Date(r.body.created_at).toISOString()).toBe(r.body.created_at);
    const g = await s.api(`/v1/products/${r.body.id}`);
    expect(g.status).toBe(200);
    expect(g.body).toEqual(r.body);
  });

  it('takes the largest amount (2^53 − 1) and an inactive product', async () => {
    const r = await s.api('/v1/products', { body: product({ retailer_id: 'max-price', price: MAX_MINOR, active: false, currency: 'JPY' }) });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ price: MAX_MINOR, active: false, currency: 'JPY', description: null, image_url: null });
  });

  it('refuses a duplicate retailer_id for the same merchant (409 conflict) but not for another merchant', async () => {
    expect((await s.api('/v1/products', { body: product({ retailer_id: 'dup' }) })).status).toBe(201);
    expectError(await s.api('/v1/products', { body: product({ retailer_id: 'dup', name: 'Other' }) }), 409, 'conflict');
    const theirs = await s.api('/v1/products', { body: product({ retailer_id: 'dup' }), key: other.key });
    expect(theirs.status).toBe(201);
  });

  it.each([
    ['price', { price: 0 }],
    ['price', { price: -100 }],
    ['price', { price: 10.5 }],
    ['price', { price: MAX_MINOR + 1 }],
    ['price', { price: '125.00' }],
    ['currency', { currency: 'inr' }],
    ['currency', { currency: 'ABC' }],
    ['currency', { currency: 'XAU' }],
    ['currency', { currency: 'RUPEES' }],
    ['retailer_id', { retailer_id: '' }],
    ['name', { name: 'x'.repeat(201) }],
    ['image_url', { image_url: 'javascript:alert(1)' }],
    ['image_url', { image_url: 'not a url' }],
    ['active', { active: 'yes' }],
    ['sku', { sku: 'unknown field' }],
  ])('refuses a bad %s: %j', async (path, over) => {
    const r = await s.api('/v1/products', { body: product({ retailer_id: `bad-${path}`, ...over }) });
    expectValidation(r, path);
  });

  it('refuses a missing required field, naming it', async () => {
    const { price: _p, ...noPrice } = product({ retailer_id: 'no-price' });
    expectValidation(await s.api('/v1/products', { body: noPrice }), 'price');
    // Nothing was created by the refused requests.
    const all = await walk(s, '/v1/products', 100);
    const rows = await Promise.all(all.ids.map((id) => s.api(`/v1/products/${id}`)));
    expect(rows.map((x) => x.body.retailer_id).filter((rid: string) => rid.startsWith('bad-') || rid === 'no-price')).toEqual([]);
  });
});

describe('PATCH /v1/products/{id}', () => {
  it('updates fields, clears nullable ones, and moves updated_at', async () => {
    const c = await s.api('/v1/products', { body: product({ retailer_id: 'patch-1', description: 'old', image_url: 'https://example.com/a.png' }) });
    const r = await s.api(`/v1/products/${c.body.id}`, {
      method: 'PATCH',
      body: { price: 13_000, name: 'Cardamom (120 g)', description: null, image_url: null, active: false },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: c.body.id,
      retailer_id: 'patch-1',
      price: 13_000,
      name: 'Cardamom (120 g)',
      description: null,
      image_url: null,
      active: false,
      currency: 'INR',
    });
    expect(r.body.created_at).toBe(c.body.created_at);
    expect((await s.api(`/v1/products/${c.body.id}`)).body).toEqual(r.body);
    // An empty patch changes nothing but is valid.
    const same = await s.api(`/v1/products/${c.body.id}`, { method: 'PATCH', body: {} });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ price: 13_000, active: false });
  });

  it('refuses changing retailer_id, bad values and unknown fields', async () => {
    const c = await s.api('/v1/products', { body: product({ retailer_id: 'patch-2' }) });
    const path = `/v1/products/${c.body.id}`;
    expectValidation(await s.api(path, { method: 'PATCH', body: { retailer_id: 'new' } }), 'retailer_id');
    expectValidation(await s.api(path, { method: 'PATCH', body: { price: 0 } }), 'price');
    expectValidation(await s.api(path, { method: 'PATCH', body: { price: null } }), 'price');
    expectValidation(await s.api(path, { method: 'PATCH', body: { currency: 'ABC' } }), 'currency');
    expectValidation(await s.api(path, { method: 'PATCH', body: { stock: 5 } }), 'stock');
    expect((await s.api(path)).body).toMatchObject({ retailer_id: 'patch-2', price: 12_500, currency: 'INR' });
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expectError(await s.api('/v1/products/prd_00000000000000000000000000', { method: 'PATCH', body: { price: 1 } }), 404, 'not_found');
    expectError(await s.api('/v1/products/prd_00000000000000000000000000'), 404, 'not_found');
    expectValidation(await s.api('/v1/products/PRD-1'), 'params.id');
    expectValidation(await s.api(`/v1/products/prd_${'a'.repeat(80)}`), 'params.id');
  });
});

describe('other merchants', () => {
  it("another merchant's product is 404 for GET and PATCH, and PATCH changes nothing", async () => {
    const theirs = await s.api('/v1/products', { body: product({ retailer_id: 'theirs-1' }), key: other.key });
    expect(theirs.status).toBe(201);
    expectError(await s.api(`/v1/products/${theirs.body.id}`), 404, 'not_found');
    expectError(await s.api(`/v1/products/${theirs.body.id}`, { method: 'PATCH', body: { price: 1 } }), 404, 'not_found');
    expect((await s.api(`/v1/products/${theirs.body.id}`, { key: other.key })).body.price).toBe(12_500);
  });

  it('lists never show the other merchant’s rows', async () => {
    const mine = await walk(s, '/v1/products', 100);
    const theirs = await walk(s, '/v1/products', 100, other.key);
    expect(theirs.ids.length).toBeGreaterThan(0);
    expect(mine.ids.filter((id) => theirs.ids.includes(id))).toEqual([]);
  });
});

describe('GET /v1/products', () => {
  it('walks every page with limit and starting_after: no duplicates, none missing, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await s.api('/v1/products', { body: product({ retailer_id: `page-${i}`, price: 100 + i }) });
      created.push(r.body.id);
    }
    const everything = await walk(s, '/v1/products', 100);
    const paged = await walk(s, '/v1/products', 3);
    expect(paged.ids).toEqual(everything.ids);
    expect(new Set(paged.ids).size).toBe(paged.ids.length);
    for (const id of created) expect(paged.ids).toContain(id);
    expect(paged.pages.slice(0, -1).every((n) => n === 3)).toBe(true);
    expect([...paged.ids].sort().reverse()).toEqual(paged.ids);
    // The newest 7 products are the ones just created.
    expect(paged.ids.slice(0, 7)).toEqual([...created].reverse());
  });

  it('filters by active', async () => {
    const inactive = await walk(s, '/v1/products?active=false', 2);
    expect(inactive.ids.length).toBeGreaterThan(0);
    for (const id of inactive.ids) expect((await s.api(`/v1/products/${id}`)).body.active).toBe(false);
    const active = await s.api('/v1/products?active=true&limit=100');
    expect(active.body.data.every((p: any) => p.active === true)).toBe(true);
    expect(active.body.data.map((p: any) => p.id).filter((id: string) => inactive.ids.includes(id))).toEqual([]);
  });

  it('a limit of exactly the row count has has_more false', async () => {
    const all = await walk(s, '/v1/products', 100);
    const r = await s.api(`/v1/products?limit=${all.ids.length}`);
    expect(r.body).toMatchObject({ object: 'list', has_more: false });
    expect(r.body.data).toHaveLength(all.ids.length);
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'active=maybe', 'sort=price'])('refuses ?%s with 400', async (q) => {
    const r = await s.api(`/v1/products?${q}`);
    expectError(r, 400, 'validation_error');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
