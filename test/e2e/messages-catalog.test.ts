// The catalog in the chat (issue 16 item 2): POST /v1/messages sends a product, a product
// list and the catalog message; the sandbox Graph API accepts them (Meta's validation) and
// the simulated phone shows them; WhatsApp's limits and products missing from our catalog
// are 400 before anything is queued; outside the window they are 422 window_closed; a
// customer's product enquiry (context.referred_product) shows in the conversation with the
// product, from our catalog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
let n = 0;
const newCustomer = () => `9197${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

async function customerSends(address: string, body: Record<string, unknown>) {
  const r = await fetch(`${s.base}/sandbox/customers/${address}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', ...body }),
  });
  return { status: r.status, body: (await r.json()) as any };
}
async function drain() {
  for (let i = 0; i < 5; i++) {
    await runUntilIdle(s, 100);
    clock.advance(7_000);
  }
}
async function phone(address: string): Promise<any[]> {
  return ((await (await fetch(`${s.base}/sandbox/customers/${address}/messages?phone_number_id=${pnid}`)).json()) as any).data;
}
const send = (body: Record<string, unknown>) => s.api('/v1/messages', { body });
const jobs = async () => Number((await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_messages`))[0]!.n);

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  await s?.close();
});

describe('catalog messages from the API', () => {
  it('a product list is accepted by the sandbox Graph API and shows in the simulated phone', async () => {
    const wa = newCustomer();
    expect((await customerSends(wa, { text: { body: 'What do you sell?' } })).status).toBe(201);
    await drain();
    const r = await send({
      customer: { wa_id: wa },
      type: 'product_list',
      product_list: {
        header: 'Our teas and coffees',
        body: 'Tap a product to see it, add it to your cart',
        sections: [
          { title: 'Tea', retailer_ids: ['masala-chai'] },
          { title: 'Coffee', retailer_ids: ['filter-coffee'] },
        ],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ type: 'interactive', purpose: 'product_list', status: 'queued' });
    expect(r.body.products.map((p: any) => [p.retailer_id, p.name, p.price_formatted])).toEqual([
      ['masala-chai', 'Masala chai (250 g)', '₹249.00'],
      ['filter-coffee', 'Filter coffee (500 g)', '₹449.00'],
    ]);
    expect(r.body.content.interactive).toMatchObject({
      type: 'product_list',
      header: { type: 'text', text: 'Our teas and coffees' },
      action: {
        catalog_id: expect.stringMatching(/^\d+$/),
        sections: [{ title: 'Tea', product_items: [{ product_retailer_id: 'masala-chai' }] }, { title: 'Coffee' }],
      },
    });
    await drain();
    const shown = (await phone(wa)).find((m) => m.type === 'interactive' && m.payload?.type === 'product_list');
    expect(shown, JSON.stringify(await phone(wa))).toBeDefined();
    expect(shown.status).not.toBe('failed');
    const conv = (await s.api(`/v1/conversations/${r.body.conversation_id}/messages`)).body.data;
    expect(['sent', 'delivered', 'read']).toContain(conv.find((m: any) => m.id === r.body.id).status);
  });

  it('a product and the catalog message go too', async () => {
    const wa = newCustomer();
    await customerSends(wa, { text: { body: 'Hi' } });
    await drain();
    const p = await send({ customer: { wa_id: wa }, type: 'product', product: { retailer_id: 'masala-chai', body: 'Our best seller' } });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.content.interactive).toMatchObject({ type: 'product', action: { product_retailer_id: 'masala-chai' } });
    const c = await send({ customer: { wa_id: wa }, type: 'catalog', catalog: { body: 'Browse everything we sell' } });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    expect(c.body.content.interactive).toMatchObject({
      type: 'catalog_message',
      action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: 'brass-tumbler' } },
    });
    await drain();
    const got = (await phone(wa)).filter((m) => m.type === 'interactive');
    expect(got.map((m) => [m.payload.type, m.status === 'failed'])).toEqual(
      expect.arrayContaining([
        ['product', false],
        ['catalog_message', false],
      ]),
    );
  });

  it("WhatsApp's limits and products we do not have are 400 before anything is queued", async () => {
    const wa = newCustomer();
    await customerSends(wa, { text: { body: 'Hi' } });
    await drain();
    const before = await jobs();
    const ids = (k: number) => Array.from({ length: k }, (_, i) => `sku-${i}`);
    const cases: [string, Record<string, unknown>][] = [
      [
        '31 products',
        {
          header: 'All',
          sections: [
            { title: 'A', retailer_ids: ids(16) },
            { title: 'B', retailer_ids: ids(15).map((x) => `${x}b`) },
          ],
        },
      ],
      ['11 sections', { header: 'All', sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, retailer_ids: ['masala-chai'] })) }],
      ['no section title', { header: 'All', sections: [{ retailer_ids: ['masala-chai'] }, { title: 'B', retailer_ids: ['filter-coffee'] }] }],
      ['a header over 60', { header: 'x'.repeat(61), sections: [{ retailer_ids: ['masala-chai'] }] }],
      ['an unknown product', { header: 'All', sections: [{ retailer_ids: ['masala-chai', '<script>alert(1)</script>'] }] }],
      [
        'a product twice',
        {
          header: 'All',
          sections: [
            { title: 'A', retailer_ids: ['masala-chai'] },
            { title: 'B', retailer_ids: ['masala-chai'] },
          ],
        },
      ],
    ];
    for (const [why, product_list] of cases) {
      const r = await send({ customer: { wa_id: wa }, type: 'product_list', product_list });
      expect(r.status, `${why}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.code, why).toBe('validation_error');
    }
    const unknown = await send({ customer: { wa_id: wa }, type: 'product', product: { retailer_id: 'nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('no product with this retailer_id');
    expect(await jobs()).toBe(before);
  });

  it('outside the 24-hour window they are 422 window_closed', async () => {
    const wa = newCustomer();
    await customerSends(wa, { text: { body: 'Hi' } });
    await drain();
    clock.advance(25 * 3600_000);
    for (const body of [
      { type: 'product', product: { retailer_id: 'masala-chai' } },
      { type: 'product_list', product_list: { header: 'Teas', sections: [{ retailer_ids: ['masala-chai'] }] } },
      { type: 'catalog', catalog: { body: 'Our catalog' } },
    ]) {
      const r = await send({ customer: { wa_id: wa }, ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error.code).toBe('window_closed');
    }
  });

  it("a customer's product enquiry shows in the conversation with the product", async () => {
    const wa = newCustomer();
    const r = await customerSends(wa, {
      text: { body: 'Is this available in 500 g?' },
      context: { referred_product: { product_retailer_id: 'masala-chai' } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await drain();
    const conv = (await s.api('/v1/conversations')).body.data.find((c: any) => c.customer.wa_id === wa);
    const msgs = (await s.api(`/v1/conversations/${conv.id}/messages`)).body.data;
    const enquiry = msgs.find((m: any) => m.direction === 'inbound');
    expect(enquiry.content.context.referred_product).toEqual({ catalog_id: expect.stringMatching(/^\d+$/), product_retailer_id: 'masala-chai' });
    expect(enquiry.products).toEqual([
      {
        retailer_id: 'masala-chai',
        product_id: expect.stringMatching(/^prd_/),
        name: 'Masala chai (250 g)',
        price: 24_900,
        currency: 'INR',
        price_formatted: '₹249.00',
      },
    ]);
    // A product the sandbox catalog does not have is refused as Meta would never send it.
    const bad = await customerSends(wa, { text: { body: '?' }, context: { referred_product: { product_retailer_id: 'nope' } } });
    expect(bad.status).toBe(400);
  });
});
