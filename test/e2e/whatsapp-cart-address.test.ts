// A cart with physical goods gets its delivery address before it is billed. In India:
// WhatsApp's address message (interactive address_message), answered as an nfm_reply
// named address_message, then the order_details bill as physical-goods with the address
// (beneficiaries). A wrong answer comes back as the form again, prefilled, with per-field
// validation_errors. Outside India the bill waits and the shop sets the address by API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let phoneNumberId: string;
let catalogId: string;
const clock = new ManualClock(new Date());
let seq = 0;
const newIndian = () => `9197700${String(++seq).padStart(5, '0')}`;

const asCustomer = async (wa: string, body: Record<string, unknown>) => {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: phoneNumberId, ...body }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return (await r.json()) as { id: string };
};
const cart = (wa: string, items: [string, number][]) =>
  asCustomer(wa, {
    type: 'order',
    order: { catalog_id: catalogId, text: '', product_items: items.map(([id, q]) => ({ product_retailer_id: id, quantity: q })) },
  });
const answer = (wa: string, contextId: string | undefined, values: Record<string, unknown>) =>
  asCustomer(wa, {
    type: 'interactive',
    interactive: { type: 'nfm_reply', nfm_reply: { name: 'address_message', body: 'Address sent', response_json: JSON.stringify({ values }) } },
    ...(contextId ? { context: { id: contextId } } : {}),
  });

async function drain() {
  for (let i = 0; i < 6; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}
const messages = async (wa: string) => (await s.api(`/v1/messages?wa_id=${wa}&limit=100`)).body.data as any[];
const ordersOf = async (wa: string) => (await s.api(`/v1/orders?wa_id=${wa}`)).body.data as any[];

const GOOD = {
  name: 'Asha Rao',
  phone_number: '+919812345678',
  in_pin_code: '560001',
  house_number: '4B',
  floor_number: '2',
  building_name: 'Sunrise Apartments',
  address: '12 MG Road',
  landmark_area: 'Near the metro',
  city: 'Bengaluru',
  state: 'Karnataka',
};

beforeAll(async () => {
  s = await startTestServer({ clock });
  const patched = await s.api('/v1/settings/whatsapp', {
    method: 'PATCH',
    body: {
      payment_configurations: [{ name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' }],
      default_payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
    },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  phoneNumberId = patched.body.phone_number_id;
  catalogId = patched.body.catalog_id;
});
afterAll(async () => {
  await s?.close();
});

describe('a physical-goods cart in India: the address message before the bill', () => {
  it('asks with the address message, then bills order_details as physical-goods with the address', async () => {
    const wa = newIndian();
    await cart(wa, [
      ['brass-tumbler', 1],
      ['masala-chai', 2],
    ]);
    await drain();
    const [order] = await ordersOf(wa);
    expect(order).toMatchObject({ goods_type: 'physical-goods', shipping_address: null, status: 'pending', payment_status: 'unpaid' });

    let conv = await messages(wa);
    expect(conv.find((m) => m.purpose === 'bill')).toBeUndefined();
    const ask = conv.find((m) => m.purpose === 'address_request');
    expect(ask.status).not.toBe('failed');
    expect(ask.content.type).toBe('interactive');
    expect(ask.content.interactive).toMatchObject({
      type: 'address_message',
      action: { name: 'address_message', parameters: { country: 'IN', values: { phone_number: `+${wa}` } } },
    });
    expect(ask.content.interactive.body.text).toContain(order.reference_id);
    expect(ask.content.interactive.body.text).toContain('₹1,397.00');
    // The simulated phone received it as WhatsApp would show it.
    const onPhone = await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${phoneNumberId}`)).json();
    const shown = (onPhone.data as any[]).find((m) => m.id === ask.wamid);
    expect(shown.payload.type).toBe('address_message');

    await answer(wa, ask.wamid, GOOD);
    await drain();
    const after = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(after.shipping_address).toEqual({
      name: 'Asha Rao',
      phone_number: '+919812345678',
      address_line1: 'Flat 4B, Floor 2, Sunrise Apartments, 12 MG Road',
      address_line2: 'Near the metro',
      city: 'Bengaluru',
      state: 'Karnataka',
      postal_code: '560001',
      country_code: 'IN',
    });
    const events = (await s.api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.find((e: any) => e.type === 'order.shipping_address_added')).toMatchObject({ source: 'whatsapp', data: { via: 'address_message' } });

    conv = await messages(wa);
    expect(conv.some((m) => m.purpose === 'reply' && JSON.stringify(m.content).includes('We will deliver to: Asha Rao, Flat 4B'))).toBe(true);
    const bill = conv.find((m) => m.purpose === 'bill');
    expect(bill?.status, JSON.stringify(bill)).not.toBe('failed');
    const p = bill.content.interactive.action.parameters;
    expect(bill.content.interactive.type).toBe('order_details');
    expect(p.type).toBe('physical-goods');
    expect(p.reference_id).toBe(order.reference_id);
    expect(p.order.items.map((i: any) => i.retailer_id)).toEqual(['brass-tumbler', 'masala-chai']);
    expect(p.beneficiaries).toEqual([
      {
        name: 'Asha Rao',
        address_line1: 'Flat 4B, Floor 2, Sunrise Apartments, 12 MG Road',
        address_line2: 'Near the metro',
        city: 'Bengaluru',
        state: 'Karnataka',
        country: 'India',
        postal_code: '560001',
      },
    ]);
  });

  it('a digital-goods cart is billed at once', async () => {
    const wa = newIndian();
    await cart(wa, [['masala-chai', 1]]);
    await drain();
    const conv = await messages(wa);
    expect(conv.find((m) => m.purpose === 'address_request')).toBeUndefined();
    expect(conv.find((m) => m.purpose === 'bill')?.content.interactive.action.parameters.type).toBe('digital-goods');
  });

  it('a wrong answer comes back as the form, prefilled, with per-field errors; the corrected one is billed', async () => {
    const wa = newIndian();
    await cart(wa, [['brass-tumbler', 1]]);
    await drain();
    const first = (await messages(wa)).find((m) => m.purpose === 'address_request');
    await answer(wa, first.wamid, { ...GOOD, in_pin_code: '12', city: '   ', name: 'Ravi' });
    await drain();
    const asks = (await messages(wa)).filter((m) => m.purpose === 'address_request');
    expect(asks).toHaveLength(2);
    const again = asks.find((m) => m.id !== first.id)!;
    expect(again.content.interactive.action.parameters.validation_errors).toEqual({ in_pin_code: 'Enter the 6-digit PIN code', city: 'Enter the city' });
    expect(again.content.interactive.action.parameters.values).toMatchObject({ name: 'Ravi', in_pin_code: '12', address: '12 MG Road' });
    expect(again.status).not.toBe('failed');
    const [order] = await ordersOf(wa);
    expect(order.shipping_address).toBeNull();
    expect((await messages(wa)).find((m) => m.purpose === 'bill')).toBeUndefined();

    await answer(wa, again.wamid, { ...GOOD, name: 'Ravi' });
    await drain();
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address.name).toBe('Ravi');
    expect((await messages(wa)).find((m) => m.purpose === 'bill')?.status).not.toBe('failed');
  });

  it('hostile strings: markup is kept as text, control characters and overlong fields are refused per field', async () => {
    const wa = newIndian();
    await cart(wa, [['brass-tumbler', 1]]);
    await drain();
    const ask = (await messages(wa)).find((m) => m.purpose === 'address_request');
    await answer(wa, ask.wamid, { ...GOOD, name: 'x'.repeat(5000), address: 'Line\u0007with bell', city: 'B\u202eengaluru' });
    await drain();
    const again = (await messages(wa)).find((m) => m.purpose === 'address_request' && m.id !== ask.id);
    expect(again.content.interactive.action.parameters.validation_errors).toEqual({
      name: 'At most 200 characters',
      address: 'Use one line of plain text (no control characters)',
    });
    // A JSON that is not an object, and values that are not text, are refused the same way.
    await answer(wa, again.wamid, { ...GOOD, name: '<script>alert(1)</script>', city: 'O\'Brien "Town" & <b>' });
    await drain();
    const [order] = await ordersOf(wa);
    const stored = (await s.api(`/v1/orders/${order.id}`)).body.shipping_address;
    expect(stored.name).toBe('<script>alert(1)</script>');
    expect(stored.city).toBe('O\'Brien "Town" & <b>');
  });

  it('an answer with no order waiting is thanked and changes nothing; a second answer does not move a stored address', async () => {
    const wa = newIndian();
    await asCustomer(wa, { type: 'text', text: { body: 'hi' } });
    await answer(wa, undefined, GOOD);
    await drain();
    expect((await messages(wa)).some((m) => (m.content?.text?.body ?? '').includes('no order waiting for a delivery address'))).toBe(true);

    const wa2 = newIndian();
    await cart(wa2, [['brass-tumbler', 1]]);
    await drain();
    const ask = (await messages(wa2)).find((m) => m.purpose === 'address_request');
    await answer(wa2, ask.wamid, GOOD);
    await drain();
    await answer(wa2, ask.wamid, { ...GOOD, city: 'Mysuru' });
    await drain();
    const [order] = await ordersOf(wa2);
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address.city).toBe('Bengaluru');
    expect((await messages(wa2)).filter((m) => m.purpose === 'bill')).toHaveLength(1);
  });
});

describe('when the address message does not reach the customer', () => {
  it('falls back to asking in words (once), and the bill still waits', async () => {
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    const chaos = (body: Record<string, unknown>) =>
      fetch(`${s.base}/sandbox/graph/chaos/${phoneNumberId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${settings.sandbox_access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const wa = newIndian();
    await cart(wa, [['brass-tumbler', 1]]);
    expect((await chaos({ undeliverable: 1 })).status).toBe(200);
    try {
      await drain();
    } finally {
      await chaos({});
    }
    const asks = (await messages(wa)).filter((m) => m.purpose === 'address_request');
    expect(asks.map((m) => [m.type, m.status]).sort()).toEqual([
      ['interactive', 'failed'],
      ['text', 'failed'],
    ]);
    expect(asks.find((m) => m.type === 'text').content.text.body).toContain('reply with your full address');
    expect((await messages(wa)).find((m) => m.purpose === 'bill')).toBeUndefined();
  });
});

describe('outside India (no address message)', () => {
  it('asks in words and waits; the shop sets the address by API, which sends the bill once', async () => {
    const wa = '14155550123';
    await cart(wa, [['brass-tumbler', 1]]);
    await drain();
    const [order] = await ordersOf(wa);
    const conv = await messages(wa);
    const ask = conv.find((m) => m.purpose === 'address_request');
    expect(ask.type).toBe('text');
    expect(ask.content.text.body).toContain('reply with your full address');
    expect(conv.find((m) => m.purpose === 'bill')).toBeUndefined();

    const bad = await s.api(`/v1/orders/${order.id}/shipping-address`, {
      body: { name: 'Sam', address_line1: '1 Main St', city: 'Pune', postal_code: '12', country_code: 'IN' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('postal_code: Enter the 6-digit PIN code');
    const body = { name: 'Sam', address_line1: '1 Main St', city: 'Pune', state: 'Maharashtra', postal_code: '411001', country_code: 'IN' };
    const set = await s.api(`/v1/orders/${order.id}/shipping-address`, { body });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.shipping_address).toEqual(body);
    const again = await s.api(`/v1/orders/${order.id}/shipping-address`, { body });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already has a delivery address');
    await drain();
    expect((await messages(wa)).filter((m) => m.purpose === 'bill')).toHaveLength(1);
  });

  it('refuses an address for a digital order', async () => {
    const o = (
      await s.api('/v1/orders', {
        body: {
          customer: { wa_id: '919800000001' },
          currency: 'INR',
          items: [{ retailer_id: 'masala-chai', quantity: 1 }],
          payment: { method: 'payment_link', provider: 'sandbox' },
          send: false,
        },
      })
    ).body;
    const r = await s.api(`/v1/orders/${o.id}/shipping-address`, {
      body: { name: 'Sam', address_line1: '1 Main St', city: 'Pune', state: 'MH', postal_code: '411001', country_code: 'IN' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.message).toContain('is not physical goods');
  });
});
