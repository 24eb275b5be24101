// Importing the merchant's Meta catalog (issue 16 item 3): the sandbox Graph API serves
// GET /{catalog_id}/products with Meta's shapes (price as a display string), cursor paging
// and errors; an import of 500 products is exact, a price that differs from ours is
// reported and ours kept, a second import changes nothing; one run at a time; the
// scheduled import starts when due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { scheduleCatalogImports } from '../../src/modules/whatsapp/index.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
let catalogId: string;
let token: string;
const clock = new ManualClock(new Date());

interface Item {
  retailer_id: string;
  name: string;
  description?: string;
  price: number;
  currency: string;
  availability?: string;
}

// 500 products: prices from 1 paisa to lakhs and crores (Indian grouping), a few in yen
// (no decimals) and dinar (three), some out of stock, names with markup and non-Latin text.
const ITEMS: Item[] = Array.from({ length: 500 }, (_, i) => {
  const currency = i % 50 === 7 ? 'JPY' : i % 50 === 13 ? 'KWD' : 'INR';
  const price = currency === 'INR' ? 1 + ((i * 7_919_113) % 1_234_567_891) : 1 + ((i * 7919) % 999_999);
  return {
    retailer_id: `imp-${String(i).padStart(3, '0')}`,
    name: i % 97 === 0 ? `<b>चाय</b> & "tea" #${i}` : `Imported product ${i}`,
    ...(i % 3 === 0 ? { description: `Description of ${i}` } : {}),
    price,
    currency,
    ...(i % 11 === 0 ? { availability: 'out of stock' } : {}),
  };
});

const graph = (path: string, t = token) => fetch(`${s.base}/sandbox/graph/v27.0/${path}`, { headers: { authorization: `Bearer ${t}` } });
async function sync() {
  const r = await s.api('/v1/catalog/sync', { body: { direction: 'import' } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  for (let i = 0; i < 20; i++) await runUntilIdle(s, 100);
  const run = await s.api(`/v1/catalog/syncs/${r.body.id}`);
  expect(run.status).toBe(200);
  return run.body;
}
const products = () =>
  s.ctx.db.query<{ retailer_id: string; name: string; description: string | null; price: number; currency: string; active: boolean; updated_at: Date }>(
    `select retailer_id, name, description, price, currency, active, updated_at from products order by retailer_id`,
  );

beforeAll(async () => {
  s = await startTestServer({ clock });
  const w = (await s.api('/v1/settings/whatsapp')).body;
  pnid = w.phone_number_id;
  catalogId = w.catalog_id;
  token = w.sandbox_access_token;
  // Commerce Manager's side: the 500 products, and masala chai at another price than ours (₹249.00).
  const put = await fetch(`${s.base}/sandbox/graph/catalog/${pnid}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items: [...ITEMS, { retailer_id: 'masala-chai', name: 'Masala chai (250 g)', price: 25_900, currency: 'INR' }] }),
  });
  expect(put.status, await put.clone().text()).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

describe('the sandbox Graph API catalog', () => {
  it("serves Meta's shapes with cursor paging", async () => {
    const first = await graph(`${catalogId}/products?fields=id,retailer_id,name,price,currency,availability&limit=2`);
    expect(first.status).toBe(200);
    const a = (await first.json()) as any;
    expect(a.data).toHaveLength(2);
    expect(a.data[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      retailer_id: 'brass-tumbler',
      name: 'Brass tumbler and davara',
      price: '₹899.00',
      currency: 'INR',
      availability: 'in stock',
    });
    expect(a.paging.next).toContain('after=');
    const b = (await (await graph(`${catalogId}/products?fields=retailer_id,price&limit=2&after=${a.paging.cursors.after}`)).json()) as any;
    expect(b.data.map((p: any) => p.retailer_id)).toEqual(['imp-000', 'imp-001']);
    // Indian grouping for rupees, as Meta shows them.
    const big = (await (await graph(`${catalogId}/products?fields=retailer_id,price&limit=1000`)).json()) as any;
    expect(big.data).toHaveLength(503);
    expect(big.paging.next).toBeUndefined();
    expect(big.data.find((p: any) => p.retailer_id === 'masala-chai').price).toBe('₹259.00');
    expect(big.data.some((p: any) => /^₹\d{1,2},\d{2},\d{3}\.\d{2}$/.test(p.price))).toBe(true);
    // Only id without fields.
    expect(Object.keys(((await (await graph(`${catalogId}/products?limit=1`)).json()) as any).data[0])).toEqual(['id']);
  });

  it("answers Meta's errors", async () => {
    const bad = await graph(`${catalogId}/products`, 'nope');
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as any).error.code).toBe(190);
    const other = (await (await graph('12345/products')).json()) as any;
    expect(other.error).toMatchObject({ code: 100, error_subcode: 33 });
    const field = (await (await graph(`${catalogId}/products?fields=retailer_id,<script>`)).json()) as any;
    expect(field.error.code).toBe(100);
    expect(field.error.message).toContain('nonexisting field');
    const cursor = (await (await graph(`${catalogId}/products?after=zzzz`)).json()) as any;
    expect(cursor.error.code).toBe(100);
  });
});

describe('POST /v1/catalog/sync {direction: import}', () => {
  it('imports 500 products exactly, reports the price conflict and keeps our price', async () => {
    const run = await sync();
    expect(run).toMatchObject({
      object: 'catalog_sync',
      status: 'succeeded',
      trigger: 'request',
      counts: { seen: 503, created: 500, unchanged: 2, conflicts: 1, skipped: 0 },
      requested_by: expect.stringMatching(/^key_/),
    });
    expect(run.pages).toBe(6);
    expect(run.conflicts).toEqual([
      {
        retailer_id: 'masala-chai',
        product_id: expect.stringMatching(/^prd_/),
        meta_product_id: expect.stringMatching(/^\d+$/),
        meta_price: '₹259.00',
        ours: { amount: 24_900, currency: 'INR', formatted: '₹249.00' },
        meta: { amount: 25_900, currency: 'INR', formatted: '₹259.00' },
      },
    ]);
    const rows = new Map((await products()).map((p) => [p.retailer_id, p]));
    for (const it of ITEMS) {
      const p = rows.get(it.retailer_id);
      expect(p, it.retailer_id).toBeDefined();
      expect([p!.name, p!.description, p!.price, p!.currency, p!.active], it.retailer_id).toEqual([
        it.name,
        it.description ?? null,
        it.price,
        it.currency,
        it.availability !== 'out of stock',
      ]);
    }
    expect(rows.get('masala-chai')!.price).toBe(24_900);
  });

  it('a second import changes nothing', async () => {
    const before = await products();
    const run = await sync();
    expect(run).toMatchObject({ status: 'succeeded', counts: { seen: 503, created: 0, unchanged: 502, conflicts: 1, skipped: 0 } });
    expect(await products()).toEqual(before);
    const list = await s.api('/v1/catalog/syncs');
    expect(list.body.data.map((r: any) => r.counts.created)).toEqual([0, 500]);
  });

  it('one run at a time; hostile input is 4xx', async () => {
    const a = await s.api('/v1/catalog/sync', { body: { direction: 'import' } });
    expect(a.status).toBe(202);
    const b = await s.api('/v1/catalog/sync', { body: { direction: 'import' } });
    expect(b.status).toBe(409);
    expect(b.body.error.details).toEqual({ sync_id: a.body.id });
    expect((await s.api('/v1/catalog/sync', { body: { direction: 'export' } })).status).toBe(400);
    expect((await s.api('/v1/catalog/syncs/csy_<script>')).status).toBe(400);
    expect((await s.api('/v1/catalog/syncs/csy_01aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    for (let i = 0; i < 20; i++) await runUntilIdle(s, 100);
    expect((await s.api(`/v1/catalog/syncs/${a.body.id}`)).body.status).toBe('succeeded');
  });

  it('the scheduled import starts when enabled and due', async () => {
    expect((await s.api('/v1/settings/catalog')).body.scheduled_import).toEqual({ enabled: false, interval_hours: 24 });
    expect(await scheduleCatalogImports(s.ctx)).toBe(0);
    const on = await s.api('/v1/settings/catalog', { method: 'PATCH', body: { scheduled_import: { enabled: true, interval_hours: 2 } } });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    // The last run is recent: not due yet.
    expect(await scheduleCatalogImports(s.ctx)).toBe(0);
    clock.advance(2 * 3600_000 + 1000);
    expect(await scheduleCatalogImports(s.ctx)).toBe(1);
    expect(await scheduleCatalogImports(s.ctx)).toBe(0);
    for (let i = 0; i < 20; i++) await runUntilIdle(s, 100);
    const latest = (await s.api('/v1/catalog/syncs?limit=1')).body.data[0];
    expect(latest).toMatchObject({ trigger: 'schedule', status: 'succeeded', requested_by: null, counts: { created: 0, conflicts: 1 } });
  });
});
