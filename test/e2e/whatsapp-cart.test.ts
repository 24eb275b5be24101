// The cart-to-bill loop over HTTP in sandbox mode: a simulated customer sends a cart
// from the catalog, it becomes an order priced from our products, the bill arrives
// in the chat, the customer pays, and the status updates arrive in the same chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let phoneNumberId: string;
let catalogId: string;
const clock = new ManualClock(new Date());
const customer = '919812345678';

const asCustomer = (body: Record<string, unknown>) =>
  fetch(`${s.base}/sandbox/customers/${customer}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: phoneNumberId, ...body }),
  });

async function phone(): Promise<any[]> {
  const r = await fetch(`${s.base}/sandbox/customers/${customer}/messages?phone_number_id=${phoneNumberId}`);
  const j = await r.json();
  return Array.isArray(j) ? j : (j.data ?? j.messages);
}

async function drain() {
  for (let i = 0; i < 6; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  const settings = (await s.api('/v1/settings/whatsapp')).body;
  phoneNumberId = settings.phone_number_id;
  catalogId = settings.catalog_id;
});
afterAll(async () => {
  await s?.close();
});

describe('cart to bill on WhatsApp (sandbox)', () => {
  it('a cart becomes an order with a bill; paying it updates the chat', async () => {
    expect(phoneNumberId).toMatch(/^\d+$/);
    const hi = await asCustomer({ type: 'text', text: { body: 'Hi! Do you have chai?' } });
    expect(hi.status, await hi.clone().text()).toBe(201);
    const seasonal = (await s.api('/v1/products', { body: { retailer_id: 'seasonal-tea', name: 'Seasonal tea', price: 15_000, currency: 'INR' } })).body;
    const cart = await asCustomer({
      type: 'order',
      order: {
        catalog_id: catalogId,
        text: '',
        product_items: [
          { product_retailer_id: 'masala-chai', quantity: 2, item_price: 249, currency: 'INR' },
          { product_retailer_id: 'seasonal-tea', quantity: 1, item_price: 150, currency: 'INR' },
        ],
      },
    });
    expect(cart.status, await cart.clone().text()).toBe(201);
    // Sold out between the customer's tap and our processing: reported, left out of the order.
    await s.api(`/v1/products/${seasonal.id}`, { method: 'PATCH', body: { active: false } });
    await drain();

    const orders = (await s.api(`/v1/orders?wa_id=${customer}`)).body.data;
    expect(orders).toHaveLength(1);
    const order = orders[0];
    expect(order.total).toBe(49_800);
    expect(order.metadata.source).toBe('whatsapp_cart');
    expect(order.metadata.bill_note).toContain('Seasonal tea');

    const conv = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data;
    const bill = conv.find((m: any) => m.purpose === 'bill');
    expect(bill).toBeTruthy();
    expect(bill.wamid).toMatch(/^wamid\./);
    expect(['sent', 'delivered', 'read']).toContain(bill.status);
    expect(JSON.stringify(bill.content)).toContain(order.payment.url);
    expect((await s.api(`/v1/orders/${order.id}/events`)).body.data.map((e: any) => e.type)).toContain('order.bill_sent');

    // The customer's phone shows the bill.
    expect((await phone()).some((m: any) => JSON.stringify(m).includes(order.payment.url))).toBe(true);

    await payOrder(s, order.payment.url, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${order.id}`)).body.status).toBe('processing');
    await s.api(`/v1/orders/${order.id}/status`, { body: { status: 'shipped', description: 'Courier #123' } });
    await drain();
    const texts = JSON.stringify(await phone());
    expect(texts).toContain('Payment of ₹498.00 received');
    expect(texts).toContain('is on its way');
  });

  it('STOP opts the customer out', async () => {
    await asCustomer({ type: 'text', text: { body: 'stop' } });
    await drain();
    const conv = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data;
    expect(conv.some((m: any) => m.direction === 'outbound' && JSON.stringify(m.content).includes('no longer get promotional'))).toBe(true);
  });
});
