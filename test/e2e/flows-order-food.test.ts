// The order-food flow end to end in sandbox mode: POST /v1/flows/send queues the flow
// message, then the client's encrypted requests walk MENU → ITEMS → CART → ADDRESS →
// CONFIRM (with BACK), every answer checked against flows/order-food.flow.json. Totals
// come from the catalog whatever the phone sends; the final data_exchange creates the
// order exactly once, the bill goes out, and the customer pays it through the sandbox PSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { getFlowToken } from '../../src/modules/flows/flows.repository.ts';
import { flowHarness, type FlowClient } from '../support/flows.ts';
import { payOrder } from '../support/pay.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let client: FlowClient;
const clock = new ManualClock(new Date());
const customer = '919811122233';
const FILE = 'order-food.flow.json';
const address = { name: 'Asha Rao', address_line1: '12 MG Road', address_line2: '', city: 'Bengaluru', postal_code: '560001', country_code: 'in' };

const h = flowHarness({ file: FILE, flow: 'order_food', clock, customer });
const { step, drain } = h;

async function newToken(): Promise<string> {
  const token = await h.newToken();
  expect(token).toMatch(/^flt_[A-Za-z0-9_-]{32}$/);
  return token;
}

const ordersOf = async (token: string) => s.ctx.db.query<{ id: string; total: number }>(`select id, total from orders where flow_token = $1`, [token]);

/** MENU → ITEMS (Drinks) → CART with 2 masala chai; returns the category id. */
async function fillCart(token: string): Promise<string> {
  const menu = await step(token, 'INIT');
  const drinks = menu.data.categories.find((c: any) => c.title === 'Drinks');
  await step(token, 'data_exchange', 'MENU', { category: drinks.id });
  await step(token, 'data_exchange', 'ITEMS', { item: 'masala-chai', quantity: '2' });
  return drinks.id;
}

beforeAll(async () => {
  // The customer writes first, as in life ("menu?").
  ({ s, client } = await h.start('Menu please', async (server) => {
    await server.ctx.db.query(`update products set category = 'Drinks' where merchant_id = $1 and retailer_id in ('masala-chai', 'filter-coffee')`, [
      server.merchantId,
    ]);
  }));
});
afterAll(async () => {
  await s?.close();
});

describe('order food flow', () => {
  it('queues an interactive flow message in data_exchange mode', async () => {
    const token = await newToken();
    const msgs = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data;
    const m = msgs.find((x: any) => x.purpose === 'flow:order_food');
    expect(m).toBeTruthy();
    const p = (await s.ctx.db.query<{ payload: any }>(`select payload from whatsapp_messages where id = $1`, [m.id]))[0]!.payload.body;
    expect(p.type).toBe('interactive');
    expect(p.interactive.type).toBe('flow');
    expect(p.interactive.action.parameters).toMatchObject({
      flow_message_version: '3',
      flow_token: token,
      flow_name: 'chatcart_order_food',
      flow_action: 'data_exchange',
    });
    expect(p.interactive.action.parameters.flow_action_payload).toBeUndefined();
    await drain();
    const sent = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((x: any) => x.id === m.id);
    expect(['sent', 'delivered', 'read'], JSON.stringify(sent)).toContain(sent.status);
    const row = (await getFlowToken(s.ctx.db, token))!;
    expect({ merchant: row.merchant_id, wa_id: row.wa_id, flow: row.flow_name, status: row.status }).toEqual({
      merchant: s.merchantId,
      wa_id: customer,
      flow: 'order_food',
      status: 'active',
    });
  });

  it('takes a cta of up to 30 characters (Meta’s limit), which the sandbox double sends; 31 is refused', async () => {
    const cta = 'Order your lunch from the menu';
    expect(cta).toHaveLength(30);
    const r = await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food', cta } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await drain();
    const m = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find(
      (x: any) => x.purpose === 'flow:order_food' && x.content?.interactive?.action?.parameters?.flow_cta === cta,
    );
    expect(m, 'the flow message with the 30-character cta').toBeTruthy();
    expect(['sent', 'delivered', 'read'], JSON.stringify(m)).toContain(m.status);
    const over = await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food', cta: `${cta}!` } });
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/^body\.cta/) });
  });

  it('walks menu, cart, address and confirm with BACK; totals come from the catalog', async () => {
    const token = await newToken();
    const menu = await step(token, 'INIT');
    expect(menu.screen).toBe('MENU');
    expect(menu.data.categories.map((c: any) => c.title)).toEqual(['Drinks', 'Menu']);
    expect(menu.data.cart_summary).toBe('Your cart is empty.');

    // A screen this token was never shown is not accepted: the answer is the current one.
    const skip = await client.step(token, 'data_exchange', 'CONFIRM', { confirm: true });
    expect(skip.screen).toBe('MENU');
    expect(skip.data.error_message).toMatch(/continue from this screen/);

    const drinks = menu.data.categories.find((c: any) => c.title === 'Drinks');
    const items = await step(token, 'data_exchange', 'MENU', { category: drinks.id });
    expect(items.screen).toBe('ITEMS');
    expect(items.data.items.map((i: any) => i.id)).toEqual(['filter-coffee', 'masala-chai']);
    expect(items.data.items[1].description).toContain('₹249.00');

    // Prices, totals and unknown dishes sent by the phone change nothing.
    const nope = await step(token, 'data_exchange', 'ITEMS', { item: 'caviar', quantity: '1', price: 1 });
    expect(nope.screen).toBe('ITEMS');
    expect(nope.data.error_message).toMatch(/no longer available/);
    const cart = await step(token, 'data_exchange', 'ITEMS', { item: 'masala-chai', quantity: '2', price: 1, total: 1 });
    expect(cart.screen).toBe('CART');
    expect(cart.data.total_text).toBe('Total: ₹498.00');
    expect(cart.data.lines).toEqual([{ id: 'masala-chai', title: '2 × Masala chai (250 g)', description: '₹498.00' }]);

    // Back to the dishes (refresh_on_back), add coffee, see the live total.
    expect((await step(token, 'BACK', 'CART')).screen).toBe('ITEMS');
    const cart2 = await step(token, 'data_exchange', 'ITEMS', { item: 'filter-coffee', quantity: '1' });
    expect(cart2.data.total_text).toBe('Total: ₹947.00');
    const removed = await step(token, 'data_exchange', 'CART', { remove: ['filter-coffee'] });
    expect(removed.screen).toBe('CART');
    expect(removed.data.total_text).toBe('Total: ₹498.00');

    const addr = await step(token, 'data_exchange', 'CART', { remove: [] });
    expect(addr.screen).toBe('ADDRESS');
    expect(addr.data.country_code).toBe('IN');
    const badAddr = await step(token, 'data_exchange', 'ADDRESS', { ...address, postal_code: '' });
    expect(badAddr.screen).toBe('ADDRESS');
    expect(badAddr.data.error_message).toMatch(/postal code/);
    expect(badAddr.data.address_line1).toBe('12 MG Road');

    const confirm = await step(token, 'data_exchange', 'ADDRESS', address);
    expect(confirm.screen).toBe('CONFIRM');
    expect(confirm.data.total_text).toBe('Total: ₹498.00');
    expect(confirm.data.address_text).toContain('Bengaluru 560001');
    expect(await ordersOf(token)).toEqual([]);

    // The price of record moves before the tap: the new total is shown, nothing is ordered.
    await s.ctx.db.query(`update products set price = 25900 where merchant_id = $1 and retailer_id = 'masala-chai'`, [s.merchantId]);
    const moved = await step(token, 'data_exchange', 'CONFIRM', { confirm: true });
    expect(moved.screen).toBe('CONFIRM');
    expect(moved.data.error_message).toBe('Prices have changed. Your new total is ₹518.00.');
    expect(moved.data.total_text).toBe('Total: ₹518.00');
    expect(await ordersOf(token)).toEqual([]);

    const done = await step(token, 'data_exchange', 'CONFIRM', { confirm: true, total: 1 });
    expect(done.screen).toBe('SUCCESS');
    const params = done.data.extension_message_response.params;
    expect(params.flow_token).toBe(token);
    const orders = await ordersOf(token);
    expect(orders).toHaveLength(1);
    expect(params.order_id).toBe(orders[0]!.id);
    expect(orders[0]!.total).toBe(51_800);
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('completed');

    const order = (await s.api(`/v1/orders/${params.order_id}`)).body;
    expect(order.customer).toMatchObject({ wa_id: customer, name: 'Asha Rao' });
    expect(order.items).toMatchObject([{ retailer_id: 'masala-chai', quantity: 2, amount: 25_900 }]);
    expect(order.shipping_address).toMatchObject({ name: 'Asha Rao', city: 'Bengaluru', postal_code: '560001', country_code: 'IN' });
    expect(order.metadata).toMatchObject({ source: 'whatsapp_flow', flow: 'order_food' });

    // A second completion with the same token: 427, still one order.
    const again = await client.send({ version: '3.0', action: 'data_exchange', screen: 'CONFIRM', flow_token: token, data: { confirm: true } });
    expect(again.status).toBe(427);
    expect(again.json.error_msg).toMatch(/already been submitted/);
    expect(await ordersOf(token)).toHaveLength(1);

    // The bill goes out in the chat.
    await drain();
    const bill = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((m: any) => m.purpose === 'bill' && m.order_id === params.order_id);
    expect(bill).toBeTruthy();
    expect(['sent', 'delivered', 'read'], JSON.stringify(bill)).toContain(bill.status);

    // The customer pays the bill through the sandbox PSP: the flow's order ends paid.
    await payOrder(s, order.payment.url, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${params.order_id}`)).body).toMatchObject({ payment_status: 'paid', status: 'processing', amount_paid: 51_800 });
    await s.ctx.db.query(`update products set price = 24900 where merchant_id = $1 and retailer_id = 'masala-chai'`, [s.merchantId]);
  });

  it('two completions racing with one token make exactly one order', async () => {
    const token = await newToken();
    await fillCart(token);
    await step(token, 'data_exchange', 'CART', {});
    await step(token, 'data_exchange', 'ADDRESS', address);
    const confirm = { version: '3.0', action: 'data_exchange', screen: 'CONFIRM', flow_token: token, data: { confirm: true } };
    const replies = await Promise.all(Array.from({ length: 6 }, () => client.send(confirm)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 427, 427, 427, 427, 427]);
    expect(await ordersOf(token)).toHaveLength(1);
  });

  it('a dish that disappears is removed from the cart before ordering', async () => {
    const token = await newToken();
    await fillCart(token);
    await step(token, 'BACK', 'CART');
    await step(token, 'data_exchange', 'ITEMS', { item: 'filter-coffee', quantity: '1' });
    await step(token, 'data_exchange', 'CART', {});
    await step(token, 'data_exchange', 'ADDRESS', address);
    await s.ctx.db.query(`update products set active = false where merchant_id = $1 and retailer_id = 'filter-coffee'`, [s.merchantId]);
    const r = await step(token, 'data_exchange', 'CONFIRM', { confirm: true });
    expect(r.screen).toBe('CONFIRM');
    expect(r.data.error_message).toMatch(/No longer available and removed: Filter coffee \(500 g\)\. Your new total is ₹498\.00\./);
    expect(await ordersOf(token)).toEqual([]);
    const done = await step(token, 'data_exchange', 'CONFIRM', { confirm: true });
    expect(done.screen).toBe('SUCCESS');
    expect((await ordersOf(token))[0]!.total).toBe(49_800);
    await s.ctx.db.query(`update products set active = true where merchant_id = $1 and retailer_id = 'filter-coffee'`, [s.merchantId]);
  });
});
