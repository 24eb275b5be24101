// A username customer (a BSUID, no phone number) in sandbox mode, end to end: writes, is
// learned as a customer without a phone, is answered (our sends go by `recipient`), sends a
// cart that becomes an order with its bill, pays, and gets the updates; the customers API and
// the order name the customer by id and BSUID. A phone customer whose webhooks now carry a
// BSUID stays the customer the API made for the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let phoneNumberId: string;
let catalogId: string;
const clock = new ManualClock(new Date());
const who = `IN.U${process.pid}BSUID1`;

const says = (address: string, body: Record<string, unknown>) =>
  fetch(`${s.base}/sandbox/customers/${address}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: phoneNumberId, ...body }),
  });

async function phone(address: string): Promise<any[]> {
  const r = await fetch(`${s.base}/sandbox/customers/${address}/messages?phone_number_id=${phoneNumberId}`);
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

describe('a username customer (BSUID only, no phone)', () => {
  it('writes, is answered, orders and pays in the sandbox', async () => {
    const hi = await says(who, { type: 'text', text: { body: 'Hi! Is the chai fresh?' }, name: 'Meera', username: 'meera.k' });
    expect(hi.status, await hi.clone().text()).toBe(201);
    await drain();

    const found = (await s.api(`/v1/customers?query=${encodeURIComponent(who)}`)).body.data;
    expect(found).toHaveLength(1);
    const customer = found[0];
    expect(customer).toMatchObject({ bsuid: who, wa_id: null, username: 'meera.k', profile_name: 'Meera', name: 'Meera', opted_out_at: null });
    expect(customer.id).toMatch(/^cus_/);
    expect(Date.parse(customer.window_expires_at)).toBeGreaterThan(clock.now().getTime());
    expect((await s.api(`/v1/customers/${customer.id}`)).body).toMatchObject({ id: customer.id, identity_history: [] });

    // Answered: STOP gets its confirmation, by recipient (the phone shows it).
    await says(who, { type: 'text', text: { body: 'STOP' } });
    await drain();
    expect(JSON.stringify(await phone(who))).toContain('no longer get promotional');
    expect((await s.api(`/v1/customers/${customer.id}`)).body.opted_out_at).not.toBeNull();
    await says(who, { type: 'text', text: { body: 'START' } });
    await drain();
    expect((await s.api(`/v1/customers/${customer.id}`)).body.opted_out_at).toBeNull();

    const cart = await says(who, {
      type: 'order',
      order: { catalog_id: catalogId, text: '', product_items: [{ product_retailer_id: 'masala-chai', quantity: 1, item_price: 249, currency: 'INR' }] },
    });
    expect(cart.status, await cart.clone().text()).toBe(201);
    await drain();
    const orders = (await s.api('/v1/orders?limit=100')).body.data.filter((o: any) => o.customer?.id === customer.id);
    expect(orders).toHaveLength(1);
    const order = orders[0];
    expect(order.customer).toEqual({ id: customer.id, bsuid: who, wa_id: null, name: 'Meera' });
    expect(order.metadata.source).toBe('whatsapp_cart');
    expect(JSON.stringify(await phone(who))).toContain(order.payment.url);

    await payOrder(s, order.payment.url, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${order.id}`)).body.status).toBe('processing');
    expect(JSON.stringify(await phone(who))).toContain('Payment of ₹249.00 received');

    // The order's events name the customer (business event payload).
    const events = (await s.api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.length).toBeGreaterThan(0);
  });

  it('a number the API knew first is linked to the BSUID its webhooks carry: one customer', async () => {
    const wa = `9198${String(process.pid % 1000).padStart(3, '0')}77777`;
    const made = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: wa, name: 'Kiran' },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 1 }],
        payment: { method: 'payment_link' },
        send: false,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.customer.id;
    expect(made.body.customer).toMatchObject({ bsuid: null, wa_id: wa, name: 'Kiran' });
    await says(wa, { type: 'text', text: { body: 'Hello' } });
    await drain();
    const c = (await s.api(`/v1/customers/${id}`)).body;
    expect(c.bsuid).toMatch(/^IN\./);
    expect(c.wa_id).toBe(wa);
    expect(c.identity_history).toEqual([expect.objectContaining({ field: 'bsuid', old_value: null, new_value: c.bsuid })]);
    // Any of the three references names the same person.
    for (const ref of [id, { wa_id: wa }, { bsuid: c.bsuid }]) {
      const o = await s.api('/v1/orders', {
        body: { customer: ref, currency: 'INR', items: [{ retailer_id: 'masala-chai', quantity: 1 }], payment: { method: 'payment_link' }, send: false },
      });
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      expect(o.body.customer.id).toBe(id);
    }
    const patched = await s.api(`/v1/customers/${id}`, { method: 'PATCH', body: { name: 'Kiran R', tags: ['vip', 'vip', 'tea'] } });
    expect(patched.body).toMatchObject({ name: 'Kiran R', profile_name: 'Customer 7777', tags: ['vip', 'tea'] });
    expect((await s.api('/v1/customers?tag=vip')).body.data.map((x: any) => x.id)).toEqual([id]);
  });
  it('orders placed at once for the same new number make one customer, and every order is created', async () => {
    const wa = `9198${String(process.pid % 100000).padStart(5, '0')}321`;
    const made = await Promise.all(
      Array.from({ length: 6 }, () =>
        s.api('/v1/orders', {
          body: {
            customer: { wa_id: wa },
            currency: 'INR',
            items: [{ retailer_id: 'masala-chai', quantity: 1 }],
            payment: { method: 'payment_link' },
            send: false,
          },
        }),
      ),
    );
    expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(made.map((r) => r.body.customer.id)).size).toBe(1);
    const listed = (await s.api(`/v1/customers?query=${wa}`)).body.data.filter((c: any) => c.wa_id === wa);
    expect(listed).toHaveLength(1);
  });
});
