// WhatsApp Pay (whatsapp_gateway) in sandbox mode: the bill is an order_details
// message, the customer pays in the chat, Meta's payment status triggers a lookup,
// the lookup verifies, and updates go out as order_status. Refunds go through Meta.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle, sandboxPspAuth } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let phoneNumberId: string;
const clock = new ManualClock(new Date());
const customer = '919800011122';

async function drain() {
  for (let i = 0; i < 6; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  const patched = await s.api('/v1/settings/whatsapp', {
    method: 'PATCH',
    body: {
      payment_configurations: [
        { name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' },
        { name: 'chatcart-upi', type: 'upi' },
      ],
    },
  });
  expect(patched.status).toBe(200);
  phoneNumberId = patched.body.phone_number_id;
  const hi = await fetch(`${s.base}/sandbox/customers/${customer}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: phoneNumberId, type: 'text', text: { body: 'hello' } }),
  });
  expect(hi.status).toBe(201);
  await drain();
});
afterAll(async () => {
  await s?.close();
});

describe('WhatsApp Pay (whatsapp_gateway)', () => {
  it('order_details bill → paid in chat → verified by lookup → order_status; refund through Meta', async () => {
    const created = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: customer },
        currency: 'INR',
        items: [{ retailer_id: 'filter-coffee', quantity: 1 }],
        tax: { amount: 0 },
        payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
      },
    });
    expect(created.status).toBe(201);
    const order = created.body;
    expect(order.payment.url).toBeNull();
    await drain();
    const bill = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((m: any) => m.purpose === 'bill');
    expect(bill?.status, JSON.stringify(bill)).not.toBe('failed');
    expect(bill.content.interactive.type).toBe('order_details');
    expect(bill.content.interactive.action.parameters.reference_id).toBe(order.reference_id);

    const pay = await fetch(`${s.base}/sandbox/customers/${customer}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: phoneNumberId, reference_id: order.reference_id, outcome: 'success' }),
    });
    expect(pay.status, await pay.clone().text()).toBeLessThan(300);
    await drain();
    const paid = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(paid.payment_status).toBe('paid');
    expect(paid.status).toBe('processing');
    const conv = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data;
    const statusMsg = conv.find((m: any) => m.content?.interactive?.type === 'order_status');
    expect(statusMsg?.content.interactive.action.parameters.order.status).toBe('processing');

    const refund = await s.api(`/v1/orders/${order.id}/refunds`, { body: { amount: 10_000 }, headers: { 'idempotency-key': 'wa-refund-1' } });
    expect(refund.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      await drain();
      clock.advance(120_000);
    }
    const after = (await s.api(`/v1/orders/${order.id}/refunds`)).body.data[0];
    expect(after.provider_refund_id).toBeTruthy();
    expect(['pending', 'succeeded']).toContain(after.status);
  });

  it("UPI intent (whatsapp_upi): the reference is the intent's tr; the provider webhook verifies; order_status follows", async () => {
    const created = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: customer },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 1 }],
        tax: { amount: 0 },
        payment: { method: 'whatsapp_upi', provider: 'sandbox' },
      },
    });
    expect(created.status).toBe(201);
    const order = created.body;
    await drain();
    const attempt = (await s.api(`/v1/orders/${order.id}/payments`)).body.data[0];
    expect(attempt.provider_object_id).toBeTruthy();
    const bill = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((m: any) => m.purpose === 'bill' && m.order_id === order.id);
    expect(bill?.status, JSON.stringify(bill)).not.toBe('failed');
    const params = bill.content.interactive.action.parameters;
    expect(params.payment_type).toBe('upi');
    expect(params.payment_configuration).toBe('chatcart-upi');
    expect(params.reference_id).toBe(order.reference_id);

    const auth = await sandboxPspAuth(s);
    const paid = await fetch(`${s.base}/sandbox/psp/v1/checkouts/${attempt.provider_object_id}/pay`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success' }),
    });
    expect(paid.status, await paid.clone().text()).toBe(200);
    await drain();
    const o = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(o.payment_status).toBe('paid');
    const conv = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data;
    expect(
      conv.some(
        (m: any) =>
          m.order_id === order.id && m.content?.interactive?.type === 'order_status' && m.content.interactive.action.parameters.order.status === 'processing',
      ),
    ).toBe(true);
  });
});
