// What POST /v1/orders refuses (400 validation_error naming the field), and that a
// refused order leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MINOR } from '../../src/domain/money.ts';
import { expectNo5xx, expectValidation } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const MAX = MAX_MINOR; // 2^53 − 1

beforeAll(async () => {
  s = await startTestServer();
  // An inactive product and one priced in another currency.
  for (const p of [
    { retailer_id: 'retired', name: 'Retired tea', price: 9_900, currency: 'INR', active: false },
    { retailer_id: 'usd-mug', name: 'Mug', price: 1_500, currency: 'USD' },
  ]) {
    expect((await s.api('/v1/products', { body: p })).status).toBe(201);
  }
});
afterAll(async () => {
  await s?.close();
});

const item = (over: Record<string, unknown>) => ({ items: [{ name: 'Thing', amount: 1_000, quantity: 1, ...over }] });

describe('amounts and quantities', () => {
  it.each([
    ['negative amount', item({ amount: -1 }), 'items.0.amount'],
    ['zero amount', item({ amount: 0 }), 'items.0.amount'],
    ['fractional amount', item({ amount: 10.5 }), 'items.0.amount'],
    ['amount over 2^53 − 1', item({ amount: MAX + 1 }), 'items.0.amount'],
    ['amount as a string', item({ amount: '1000' }), 'items.0.amount'],
    ['negative quantity', item({ quantity: -2 }), 'items.0.quantity'],
    ['zero quantity', item({ quantity: 0 }), 'items.0.quantity'],
    ['fractional quantity', item({ quantity: 1.5 }), 'items.0.quantity'],
    ['huge quantity', item({ quantity: MAX }), 'items.0.quantity'],
    ['zero sale_amount', item({ sale_amount: 0 }), 'items.0.sale_amount'],
    ['sale_amount not below amount', item({ sale_amount: 1_000 }), 'items.0.sale_amount'],
    ['negative tax', { tax: { amount: -1 } }, 'tax.amount'],
    ['fractional shipping', { shipping: { amount: 0.5 } }, 'shipping.amount'],
    ['discount over 2^53 − 1', { discount: { amount: MAX + 1 } }, 'discount.amount'],
  ])('refuses: %s', async (_label, over, path) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(over) }), path);
  });

  it('refuses a line total that overflows 2^53 − 1', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ ...item({ amount: MAX, quantity: 2 }), tax: undefined }) });
    expectValidation(r, 'items.0.quantity');
  });

  it('refuses a subtotal or total that overflows 2^53 − 1', async () => {
    const twoLines = {
      items: [
        { name: 'A', amount: MAX, quantity: 1 },
        { name: 'B', amount: 1, quantity: 1 },
      ],
      tax: undefined,
    };
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(twoLines) }), 'items');
    const withTax = { ...item({ amount: MAX }), tax: { amount: 1 } };
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(withTax) }), 'tax');
  });

  it('accepts 2^53 − 1 exactly as a total', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ ...item({ amount: MAX }), tax: undefined }) });
    expect(r.status).toBe(201);
    expect(r.body.total).toBe(MAX);
  });

  it.each([
    ['equal to', 24_900 * 2 + 5_000 + 1_000 + 300],
    ['above', 24_900 * 2 + 5_000 + 1_000 + 300 + 1],
  ])('refuses a discount %s subtotal + tax + shipping (the total must be positive)', async (_label, discount) => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ shipping: { amount: 300 }, discount: { amount: discount } }) });
    expectValidation(r, 'discount');
  });
});

describe('currency and catalog', () => {
  it.each([
    ['lowercase', 'inr'],
    ['not in ISO 4217', 'ABC'],
    ['a metal', 'XAU'],
    ['too long', 'INRR'],
    ['a symbol', '₹'],
  ])('refuses a currency that is %s: %j', async (_label, currency) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ currency }) }), 'currency');
  });

  it('refuses catalog items priced in another currency', async () => {
    const usd = await s.api('/v1/orders', { body: sampleOrder({ currency: 'USD', items: [{ retailer_id: 'masala-chai', quantity: 1 }] }) });
    expectValidation(usd, 'items.0.retailer_id');
    const mixed = await s.api('/v1/orders', {
      body: sampleOrder({
        items: [
          { retailer_id: 'masala-chai', quantity: 1 },
          { retailer_id: 'usd-mug', quantity: 1 },
        ],
      }),
    });
    expectValidation(mixed, 'items.1.retailer_id');
  });

  it('refuses an unknown retailer_id without name and amount', async () => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'no-such-sku', quantity: 1 }] }) }), 'items.0.retailer_id');
    expectValidation(
      await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'no-such-sku', name: 'x', quantity: 1 }] }) }),
      'items.0.retailer_id',
    );
    // With name and amount it is an item outside the catalog.
    const ok = await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'no-such-sku', name: 'Custom', amount: 700, quantity: 1 }] }) });
    expect(ok.status).toBe(201);
    expect(ok.body.items[0]).toMatchObject({ retailer_id: 'no-such-sku', product_id: null, amount: 700 });
  });

  it('refuses an item with neither retailer_id nor name and amount', async () => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: [{ quantity: 1 }] }) }), 'items.0');
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: [{ name: 'Nameless price', quantity: 1 }] }) }), 'items.0');
  });

  it('refuses an inactive product', async () => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'retired', quantity: 1 }] }) }), 'items.0.retailer_id');
  });

  it('refuses a price that disagrees with the catalog (the catalog is the price of record)', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ items: [{ retailer_id: 'masala-chai', amount: 100, quantity: 1 }] }) });
    expectValidation(r, 'items.0.amount');
  });

  it('refuses no items and more than 100 items', async () => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: [] }) }), 'items');
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `Item ${i}`, amount: 100, quantity: 1 }));
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ items: many }) }), 'items');
  });
});

describe('customer, expiry and other fields', () => {
  it.each(['+919876543210', '12345', 'abcdefghij', '91 98765 43210', '1'.repeat(21), ''])('refuses wa_id %j', async (wa_id) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id } }) }), 'customer.wa_id');
  });

  it('refuses a missing customer, currency or items (a missing payment is the default: orders-default-payment.test.ts)', async () => {
    for (const field of ['customer', 'currency', 'items']) {
      const body: Record<string, unknown> = sampleOrder();
      delete body[field];
      expectValidation(await s.api('/v1/orders', { body }), field);
    }
  });

  it.each([
    [599, 'expires_in'],
    [30 * 86_400 + 1, 'expires_in'],
    [0, 'expires_in'],
    [3600.5, 'expires_in'],
    ['3600', 'expires_in'],
  ])('refuses expires_in %j', async (expires_in, path) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder({ expires_in }) }), path);
  });

  it.each([
    ['goods_type', { goods_type: 'services' }],
    [
      'shipping_address.country_code',
      { goods_type: 'physical-goods', shipping_address: { name: 'A', address_line1: 'x', city: 'y', postal_code: '1', country_code: 'india' } },
    ],
    ['shipping_address.city', { shipping_address: { name: 'A', address_line1: 'x', postal_code: '1', country_code: 'IN' } }],
    ['send', { send: 'yes' }],
    ['metadata.crm_id', { metadata: { crm_id: 42 } }],
    ['metadata', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }],
    ['tax.rate', { tax: { amount: 100, rate: 18 } }],
    ['items.0.sku', { items: [{ name: 'x', amount: 1, quantity: 1, sku: 'y' }] }],
    ['coupon', { coupon: 'SAVE10' }],
  ])('refuses a bad %s', async (path, over) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(over) }), path);
  });

  it('none of the refused requests created an order', async () => {
    const r = await s.api('/v1/orders?limit=100');
    // Only the two orders the tests above meant to create exist.
    expect(r.body.data.map((o: any) => o.total).sort((a: number, b: number) => a - b)).toEqual([700 + 1_000, MAX]); // sampleOrder adds 1000 tax
    const events = await s.api('/v1/events?type=order.created&limit=100');
    expect(events.body.data).toHaveLength(2);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
