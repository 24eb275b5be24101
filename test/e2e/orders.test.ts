// Creating and reading orders: totals (catalog prices, sale prices, tax, shipping,
// discount, 0- and 3-decimal currencies), the first payment attempt, reference ids,
// the payment-method × provider table, and isolation between merchants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, expectValidation, otherMerchant } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const REFERENCE = /^[A-Za-z0-9_.-]{1,35}$/;
const clock = new ManualClock('2026-03-01T10:00:00Z');
let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;

beforeAll(async () => {
  s = await startTestServer({ clock });
  other = await otherMerchant(s);
});
afterAll(async () => {
  await s?.close();
});

const address = { name: 'Asha', address_line1: '12 MG Road', city: 'Bengaluru', postal_code: '560001', country_code: 'IN' };

async function create(body: unknown, key?: string) {
  const r = await s.api('/v1/orders', key ? { body, key } : { body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe('POST /v1/orders', () => {
  it('creates an order priced from the catalog with its first payment attempt', async () => {
    const o = await create(sampleOrder({ shipping: { amount: 2000, description: 'Courier' }, discount: { amount: 500 }, metadata: { crm_id: '42' } }));
    expect(o).toMatchObject({
      id: expect.stringMatching(/^ord_[0-9a-z]{26}$/),
      object: 'order',
      status: 'pending',
      payment_status: 'unpaid',
      currency: 'INR',
      subtotal: 24_900 * 2 + 5_000,
      tax: 1_000,
      tax_description: 'GST',
      shipping: 2_000,
      shipping_description: 'Courier',
      discount: 500,
      total: 24_900 * 2 + 5_000 + 1_000 + 2_000 - 500,
      amount_paid: 0,
      amount_refunded: 0,
      customer: { wa_id: '919876543210', name: 'Asha' },
      goods_type: 'digital-goods',
      metadata: { crm_id: '42' },
      created_at: '2026-03-01T10:00:00.000Z',
      expires_at: '2026-03-02T10:00:00.000Z',
    });
    expect(o.items).toEqual([
      expect.objectContaining({
        retailer_id: 'masala-chai',
        product_id: expect.stringMatching(/^prd_/),
        name: 'Masala chai (250 g)',
        amount: 24_900,
        quantity: 2,
        line_total: 49_800,
      }),
      expect.objectContaining({ retailer_id: null, product_id: null, name: 'Gift wrap', amount: 5_000, quantity: 1, line_total: 5_000 }),
    ]);
    expect(o.reference_id).toMatch(REFERENCE);
    expect(o.payment).toEqual({
      id: expect.stringMatching(/^pay_/),
      reference_id: o.reference_id,
      method: 'payment_link',
      provider: 'sandbox',
      status: 'created',
      url: expect.stringMatching(/\/pay\/[A-Za-z0-9_-]+$/),
      // Only a payment recorded by staff (record-payment) says how it came.
      recorded: null,
    });
    expect(o.payment.url.startsWith(`${s.base}/pay/`)).toBe(true);
    // GET answers the same object.
    const g = await s.api(`/v1/orders/${o.id}`);
    expect(g.status).toBe(200);
    expect(g.body).toEqual(o);
  });

  it('GET /v1/orders/{id}/payments lists the attempt', async () => {
    const o = await create(sampleOrder());
    const r = await s.api(`/v1/orders/${o.id}/payments`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'list', has_more: false });
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0]).toMatchObject({
      id: o.payment.id,
      object: 'payment',
      order_id: o.id,
      reference_id: o.reference_id,
      method: 'payment_link',
      provider: 'sandbox',
      status: 'created',
      amount: o.total,
      currency: 'INR',
      url: o.payment.url,
      expires_at: o.expires_at,
    });
  });

  it('every order gets its own reference_id and pay URL', async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => create(sampleOrder())));
    const refs = orders.map((o) => o.reference_id);
    for (const ref of refs) expect(ref).toMatch(REFERENCE);
    expect(new Set(refs).size).toBe(refs.length);
    expect(new Set(orders.map((o) => o.payment.url)).size).toBe(orders.length);
    expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
  });

  it('uses sale_amount as the unit price', async () => {
    const o = await create(
      sampleOrder({
        items: [
          { retailer_id: 'masala-chai', sale_amount: 19_900, quantity: 3 },
          { name: 'Biscuits', amount: 1_000, sale_amount: 800, quantity: 2 },
        ],
        tax: undefined,
      }),
    );
    expect(o.items.map((i: any) => [i.amount, i.sale_amount, i.line_total])).toEqual([
      [24_900, 19_900, 59_700],
      [1_000, 800, 1_600],
    ]);
    expect(o.subtotal).toBe(61_300);
    expect(o.total).toBe(61_300);
  });

  it('prices JPY (0 decimals) and KWD (3 decimals) orders in their minor units', async () => {
    const jpy = await create(
      sampleOrder({ currency: 'JPY', items: [{ name: 'Matcha', amount: 1_500, quantity: 3 }], tax: { amount: 450 }, shipping: { amount: 500 } }),
    );
    expect(jpy).toMatchObject({ currency: 'JPY', subtotal: 4_500, tax: 450, shipping: 500, total: 5_450 });
    const kwd = await create(
      sampleOrder({ currency: 'KWD', items: [{ name: 'Dates', amount: 1_250, quantity: 2 }], tax: { amount: 125 }, discount: { amount: 5 } }),
    );
    expect(kwd).toMatchObject({ currency: 'KWD', subtotal: 2_500, tax: 125, discount: 5, total: 2_620 });
    const pay = await s.api(`/v1/orders/${kwd.id}/payments`);
    expect(pay.body.data[0]).toMatchObject({ amount: 2_620, currency: 'KWD' });
  });

  it('accepts a total of one minor unit (discount = gross − 1)', async () => {
    const o = await create(
      sampleOrder({ items: [{ name: 'Sample', amount: 100, quantity: 1 }], tax: { amount: 10 }, shipping: { amount: 5 }, discount: { amount: 114 } }),
    );
    expect(o.total).toBe(1);
  });

  it('expires_in sets expires_at (bounds 600 s and 30 days included)', async () => {
    const short = await create(sampleOrder({ expires_in: 600 }));
    expect(new Date(short.expires_at).getTime() - new Date(short.created_at).getTime()).toBe(600_000);
    const long = await create(sampleOrder({ expires_in: 30 * 86_400 }));
    expect(new Date(long.expires_at).getTime() - new Date(long.created_at).getTime()).toBe(30 * 86_400_000);
  });
});

describe('payment method × provider', () => {
  it('whatsapp_upi with a UPI provider in INR: a WhatsApp-native bill without a pay URL', async () => {
    const o = await create(sampleOrder({ payment: { method: 'whatsapp_upi', provider: 'sandbox' } }));
    expect(o.payment).toMatchObject({ method: 'whatsapp_upi', provider: 'sandbox', url: null, status: 'created' });
    expect(o.reference_id).toMatch(REFERENCE);
  });

  it('whatsapp_gateway in INR with a linked gateway', async () => {
    const o = await create(sampleOrder({ payment: { method: 'whatsapp_gateway', provider: 'razorpay' } }));
    expect(o.payment).toMatchObject({ method: 'whatsapp_gateway', provider: 'razorpay', url: null });
  });

  it('payment_link with an explicit provider', async () => {
    const o = await create(
      sampleOrder({
        currency: 'USD',
        items: [{ name: 'Tea', amount: 1_299, quantity: 1 }],
        tax: undefined,
        payment: { method: 'payment_link', provider: 'stripe' },
      }),
    );
    expect(o.payment).toMatchObject({ method: 'payment_link', provider: 'stripe' });
    expect(o.payment.url.startsWith(`${s.base}/pay/`)).toBe(true);
  });

  it.each([
    [
      'whatsapp_upi with USD',
      { currency: 'USD', items: [{ name: 'Tea', amount: 100, quantity: 1 }], payment: { method: 'whatsapp_upi', provider: 'sandbox' } },
      'currency',
    ],
    [
      'whatsapp_gateway with EUR',
      { currency: 'EUR', items: [{ name: 'Tea', amount: 100, quantity: 1 }], payment: { method: 'whatsapp_gateway', provider: 'razorpay' } },
      'currency',
    ],
    ['stripe for whatsapp_upi', { payment: { method: 'whatsapp_upi', provider: 'stripe' } }, 'payment.provider'],
    // Razorpay mints no UPI intent here: a bill with our own reference paid to a static VPA could never be matched.
    ['razorpay for whatsapp_upi', { payment: { method: 'whatsapp_upi', provider: 'razorpay' } }, 'payment.provider'],
    ['payu for payment_link', { payment: { method: 'payment_link', provider: 'payu' } }, 'payment.provider'],
    ['an unknown provider', { payment: { method: 'payment_link', provider: 'paypal' } }, 'payment.provider'],
    ['whatsapp_gateway without a provider (no default for it)', { payment: { method: 'whatsapp_gateway' } }, 'payment.provider'],
    ['an unknown method', { payment: { method: 'cash' } }, 'payment.method'],
  ])('refuses %s (400)', async (_label, over, path) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(over) }), path);
  });

  it('physical-goods billed on WhatsApp needs a shipping_address; a payment link does not', async () => {
    for (const method of ['whatsapp_upi', 'whatsapp_gateway']) {
      const r = await s.api('/v1/orders', { body: sampleOrder({ goods_type: 'physical-goods', payment: { method, provider: 'razorpay' } }) });
      expectValidation(r, 'shipping_address');
    }
    const withAddress = await create(
      sampleOrder({ goods_type: 'physical-goods', shipping_address: address, payment: { method: 'whatsapp_upi', provider: 'sandbox' } }),
    );
    expect(withAddress).toMatchObject({ goods_type: 'physical-goods', shipping_address: address });
    const link = await create(sampleOrder({ goods_type: 'physical-goods' }));
    expect(link.goods_type).toBe('physical-goods');
  });
});

describe('other merchants', () => {
  it("another merchant's order is 404 on GET, payments and events; lists never show it", async () => {
    const theirs = await create(sampleOrder({ items: [{ name: 'Theirs', amount: 700, quantity: 1 }] }), other.key);
    for (const path of ['', '/payments', '/events']) {
      expectError(await s.api(`/v1/orders/${theirs.id}${path}`), 404, 'not_found');
      expect((await s.api(`/v1/orders/${theirs.id}${path}`, { key: other.key })).status).toBe(200);
    }
    const mine = await s.api('/v1/orders?limit=100');
    expect(mine.body.data.map((o: any) => o.id)).not.toContain(theirs.id);
    const theirList = await s.api('/v1/orders?limit=100', { key: other.key });
    expect(theirList.body.data.map((o: any) => o.id)).toEqual([theirs.id]);
  });

  it("an order cannot use another merchant's catalog", async () => {
    // The demo catalog's retailer_id is unknown to the other merchant.
    const r = await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'masala-chai', quantity: 1 }] }), key: other.key });
    expectValidation(r, 'items.0.retailer_id');
  });

  it('answers 404 for an unknown order id and 400 for a malformed one', async () => {
    expectError(await s.api('/v1/orders/ord_00000000000000000000000000'), 404, 'not_found');
    expectValidation(await s.api('/v1/orders/..%2F..%2Fetc'), 'params.id');
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});

describe('whatsapp_upi routes', () => {
  it('razorpay is refused with a message naming the supported routes', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ payment: { method: 'whatsapp_upi', provider: 'razorpay' } }) });
    const e = expectError(r, 400, 'validation_error');
    expect(e.message).toMatch(/use one of sandbox/);
    expect(e.message).toMatch(/whatsapp_gateway/);
    expect(e.message).toMatch(/payment_link/);
  });
});
