// POST /v1/messages in sandbox mode: a reply reaches the sandbox phone through the paced
// queue (by phone, or by BSUID for a username user), pauses the conversation's automation,
// and is one message under a retried Idempotency-Key; outside the 24-hour window a text is
// 422 window_closed naming the usable templates while a template and an order's bill go;
// an opted-out customer is 409 with nothing queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
let n = 0;
const newCustomer = () => `9196${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

async function says(address: string, body: string) {
  const r = await fetch(`${s.base}/sandbox/customers/${address}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body } }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await drain();
}
async function drain() {
  for (let i = 0; i < 5; i++) {
    await runUntilIdle(s, 100);
    clock.advance(7_000);
  }
}
async function phone(address: string): Promise<string> {
  return JSON.stringify(await (await fetch(`${s.base}/sandbox/customers/${address}/messages?phone_number_id=${pnid}`)).json());
}
const send = (body: Record<string, unknown>, key?: string) => s.api('/v1/messages', { body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  await s?.close();
});

describe('POST /v1/messages', () => {
  it('a reply reaches the phone, once under a retried key, and pauses automation', async () => {
    const wa = newCustomer();
    await says(wa, 'Is the shop open on Sunday?');
    const first = await send({ customer: { wa_id: wa }, type: 'text', text: { body: 'Yes, 10 to 6 on Sundays.' } }, `reply-${wa}`);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ object: 'message', direction: 'outbound', type: 'text', status: 'queued' });
    expect(first.body.id).toMatch(/^msg_/);
    const again = await send({ customer: { wa_id: wa }, type: 'text', text: { body: 'Yes, 10 to 6 on Sundays.' } }, `reply-${wa}`);
    expect(again.body.id).toBe(first.body.id);
    await drain();
    const shown = JSON.parse(await phone(wa)).data.filter((m: any) => m.preview === 'Yes, 10 to 6 on Sundays.');
    expect(shown).toHaveLength(1);
    const conv = (await s.api(`/v1/conversations?customer=${first.body.customer_id}`)).body.data[0];
    expect(conv).toMatchObject({ automation: 'paused', last_message: { direction: 'out', preview: 'Yes, 10 to 6 on Sundays.' } });
    const msgs = (await s.api(`/v1/conversations/${conv.id}/messages`)).body.data;
    expect(msgs[0]).toMatchObject({ id: first.body.id, sent_by: expect.stringMatching(/^key_/) });
    expect(['sent', 'delivered', 'read']).toContain(msgs[0].status);
  });

  it('a username customer is answered by BSUID', async () => {
    const who = `IN.U${process.pid}MSG${++n}`;
    await says(who, 'Hello?');
    const r = await send({ customer: { bsuid: who }, type: 'text', text: { body: 'Hello! How can we help?' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.wa_id).toBeNull();
    await drain();
    expect(await phone(who)).toContain('Hello! How can we help?');
  });

  it('outside the window: text is 422 window_closed naming templates; a template and an order bill go', async () => {
    const wa = newCustomer();
    await says(wa, 'Hi');
    const order = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: wa },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 1 }],
        payment: { method: 'payment_link' },
        send: false,
      },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    // Inside the window the bill goes as the interactive bill.
    const bill = await send({ customer: { wa_id: wa }, type: 'order_bill', order_bill: { order_id: order.body.id } });
    expect(bill.status, JSON.stringify(bill.body)).toBe(201);
    expect(bill.body).toMatchObject({ order_id: order.body.id, purpose: 'bill' });
    await drain();
    expect(await phone(wa)).toContain(order.body.reference_id);
    clock.advance(25 * 3600_000);
    const late = await send({ customer: { wa_id: wa }, type: 'text', text: { body: 'Still there?' } });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('window_closed');
    expect(Array.isArray(late.body.error.details.templates)).toBe(true);
    const tpl = await send({ customer: order.body.customer.id, type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    expect(tpl.status, JSON.stringify(tpl.body)).toBe(201);
    // Outside it, the bill needs the merchant's bill template (none is configured here).
    const late2 = await send({ customer: { wa_id: wa }, type: 'order_bill', order_bill: { order_id: order.body.id } });
    expect(late2.status).toBe(422);
    expect(late2.body.error.code).toBe('window_closed');
    await drain();
    expect(await phone(wa)).toContain('Hello World');
    // A bill of another customer's order is refused.
    const other = newCustomer();
    await says(other, 'Hi');
    expect((await send({ customer: { wa_id: other }, type: 'order_bill', order_bill: { order_id: order.body.id } })).status).toBe(409);
  });

  it('an opted-out customer is 409 customer_opted_out, nothing queued; what WhatsApp would refuse is 400', async () => {
    const wa = newCustomer();
    await says(wa, 'STOP');
    const before = await phone(wa);
    const r = await send({ customer: { wa_id: wa }, type: 'text', text: { body: 'A special offer!' } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('customer_opted_out');
    await drain();
    expect(await phone(wa)).toBe(before);
    expect((await send({ customer: { wa_id: wa }, type: 'text', text: { body: 'x'.repeat(4097) } })).status).toBe(400);
    expect((await send({ customer: 'cus_01aaaaaaaaaaaaaaaaaaaaaaaa', type: 'text', text: { body: 'hi' } })).status).toBe(404);
  });
});
