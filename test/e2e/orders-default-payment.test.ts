// POST /v1/orders without a payment method: the bill goes the way the merchant's default
// payment says (settings), else as a payment link. What a role that cannot read settings
// (an agent billing from the inbox) relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidation } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

let s: TestServer;
const withoutPayment = (over: Record<string, unknown> = {}) => {
  const { payment: _, ...rest } = sampleOrder(over);
  return rest;
};

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('an order without a payment method', () => {
  it("is billed with the merchant's default (a sandbox payment link for the demo shop)", async () => {
    for (const body of [withoutPayment(), sampleOrder({ payment: {} })]) {
      const r = await s.api('/v1/orders', { body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.payment).toMatchObject({ method: 'payment_link', provider: 'sandbox' });
      expect(r.body.payment.url).toMatch(/\/pay\//);
    }
  });

  it('follows a changed default, and an explicit method still wins', async () => {
    const patched = await s.api('/v1/settings/whatsapp', {
      method: 'PATCH',
      body: {
        payment_configurations: [{ name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' }],
        default_payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
      },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const byDefault = await s.api('/v1/orders', { body: withoutPayment() });
    expect(byDefault.status, JSON.stringify(byDefault.body)).toBe(201);
    expect(byDefault.body.payment).toMatchObject({ method: 'whatsapp_gateway', provider: 'sandbox' });
    const asLink = await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'payment_link', provider: 'sandbox' } }) });
    expect(asLink.status).toBe(201);
    expect(asLink.body.payment.method).toBe('payment_link');
    // A method other than the default needs its provider (there is no default for it).
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'whatsapp_upi' } }) }), 'payment.provider');
  });

  it('is what an agent bills with, though the agent cannot read the settings', async () => {
    const agent = (await userWithRole(s, await demoOwner(s), 'agent')).client;
    expect((await agent.call('/v1/settings/whatsapp')).status).toBe(403);
    const r = await agent.call('/v1/orders', { body: withoutPayment({ items: [{ retailer_id: 'masala-chai', quantity: 1 }], tax: undefined }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.payment.method).toBe('whatsapp_gateway');
  });

  it('refuses a physical-goods order without an address when the default bills on WhatsApp', async () => {
    expectValidation(await s.api('/v1/orders', { body: withoutPayment({ goods_type: 'physical-goods' }) }), 'shipping_address');
  });
});
