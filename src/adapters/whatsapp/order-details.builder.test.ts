import { describe, expect, it } from 'vitest';
import { orderDetailsMessage, orderStatusMessage, type OrderDetailsMessageInput } from './message.builders.ts';

const now = new Date('2026-03-01T10:00:00Z');
const nowSec = Math.floor(now.getTime() / 1000);

const importer = {
  countryOfOrigin: 'India',
  importerName: 'Lucky Shrub Imports and Exports',
  importerAddress: { addressLine1: 'One BKC', addressLine2: 'Bandra Kurla Complex', city: 'Mumbai', zoneCode: 'MH', postalCode: '400051', countryCode: 'IN' },
};

// sample-payloads.md §5.6 (Postman "Payments API - IN"): 1000 + 100 + 100 − 100 = 1100.
// The sample is abbreviated: Meta needs catalog_id or the importer fields, so it gets a catalog.
const sample: OrderDetailsMessageInput = {
  to: '919876543210',
  body: 'Your order',
  referenceId: 'unique-reference-id',
  goodsType: 'digital-goods',
  currency: 'INR',
  payment: { mode: 'upi_intent', configurationName: 'my-payment-config-name' },
  catalogId: '194836987003835',
  items: [{ retailerId: '1234567', name: 'bread', amount: 1500, saleAmount: 1000, quantity: 1 }],
  tax: 100,
  taxDescription: 'optional_text',
  shipping: 100,
  shippingDescription: 'optional_text',
  discount: 100,
  discountDescription: 'optional_text',
  discountProgramName: 'optional_text',
};

const sampleParameters = {
  reference_id: 'unique-reference-id',
  type: 'digital-goods',
  payment_type: 'upi',
  payment_configuration: 'my-payment-config-name',
  currency: 'INR',
  total_amount: { value: 1100, offset: 100 },
  order: {
    status: 'pending',
    catalog_id: '194836987003835',
    items: [{ retailer_id: '1234567', name: 'bread', amount: { value: 1500, offset: 100 }, sale_amount: { value: 1000, offset: 100 }, quantity: 1 }],
    subtotal: { value: 1000, offset: 100 },
    tax: { value: 100, offset: 100, description: 'optional_text' },
    shipping: { value: 100, offset: 100, description: 'optional_text' },
    discount: { value: 100, offset: 100, description: 'optional_text', discount_program_name: 'optional_text' },
  },
};

function refusalPath(r: { ok: boolean; error?: { code: string; details?: unknown } }): string | undefined {
  expect(r.ok).toBe(false);
  expect(r.error?.code).toBe('validation_error');
  return (r.error?.details as { path?: string } | undefined)?.path;
}

describe('orderDetailsMessage', () => {
  it('builds the §5.6 UPI-intent sample exactly (1000+100+100−100 = 1100)', () => {
    const r = orderDetailsMessage(sample, { now });
    expect(r).toEqual({
      ok: true,
      value: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '919876543210',
        type: 'interactive',
        interactive: { type: 'order_details', body: { text: 'Your order' }, action: { name: 'review_and_pay', parameters: sampleParameters } },
      },
    });
  });

  it('accepts matching caller-supplied subtotal and total', () => {
    expect(orderDetailsMessage({ ...sample, subtotal: 1000, total: 1100 }, { now }).ok).toBe(true);
  });

  it('builds a payment-gateway order without a catalog, with importer fields, expiry, header, footer and callback data', () => {
    const r = orderDetailsMessage(
      {
        to: '+919876543210',
        bizOpaqueCallbackData: 'msg_123',
        body: 'Pay for order #BM345A-12',
        footer: 'Thanks',
        headerImageUrl: 'https://example.com/p.jpg',
        referenceId: 'BM345A-12',
        goodsType: 'digital-goods',
        currency: 'INR',
        payment: {
          mode: 'whatsapp_gateway',
          gateway: 'razorpay',
          configurationName: 'prod-razor-pay-config-05',
          razorpay: { receipt: 'rcpt-1', notes: { order: 'ord_1' } },
        },
        quickPay: true,
        expiration: { timestamp: nowSec + 300, description: 'Pay within 5 minutes' },
        items: [
          { retailerId: '1234567', name: 'Bread', amount: 10000, quantity: 1, ...importer },
          { name: 'Jam', amount: 5000, quantity: 2, ...importer },
        ],
        tax: 1000,
        taxDescription: 'GST',
      },
      { now },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.biz_opaque_callback_data).toBe('msg_123');
    const interactive = r.value.interactive as Record<string, unknown>;
    expect(interactive.header).toEqual({ type: 'image', image: { link: 'https://example.com/p.jpg' } });
    expect(interactive.footer).toEqual({ text: 'Thanks' });
    expect((interactive.action as { parameters: unknown }).parameters).toEqual({
      reference_id: 'BM345A-12',
      type: 'digital-goods',
      payment_settings: [
        {
          type: 'payment_gateway',
          payment_gateway: { type: 'razorpay', configuration_name: 'prod-razor-pay-config-05', razorpay: { receipt: 'rcpt-1', notes: { order: 'ord_1' } } },
        },
      ],
      currency: 'INR',
      total_amount: { value: 21000, offset: 100 },
      order: {
        status: 'pending',
        type: 'quick_pay',
        expiration: { timestamp: String(nowSec + 300), description: 'Pay within 5 minutes' },
        items: [
          {
            retailer_id: '1234567',
            name: 'Bread',
            amount: { value: 10000, offset: 100 },
            quantity: 1,
            country_of_origin: 'India',
            importer_name: 'Lucky Shrub Imports and Exports',
            importer_address: {
              address_line1: 'One BKC',
              address_line2: 'Bandra Kurla Complex',
              city: 'Mumbai',
              zone_code: 'MH',
              postal_code: '400051',
              country_code: 'IN',
            },
          },
          {
            name: 'Jam',
            amount: { value: 5000, offset: 100 },
            quantity: 2,
            country_of_origin: 'India',
            importer_name: 'Lucky Shrub Imports and Exports',
            importer_address: {
              address_line1: 'One BKC',
              address_line2: 'Bandra Kurla Complex',
              city: 'Mumbai',
              zone_code: 'MH',
              postal_code: '400051',
              country_code: 'IN',
            },
          },
        ],
        subtotal: { value: 20000, offset: 100 },
        tax: { value: 1000, offset: 100, description: 'GST' },
      },
    });
  });

  it('adds beneficiaries for physical goods paid in INR', () => {
    const beneficiary = {
      name: 'Nidhi Tripathi',
      addressLine1: 'B8/733 nand nagri',
      city: 'East Delhi',
      state: 'Delhi',
      country: 'India',
      postalCode: '110093',
    };
    const r = orderDetailsMessage({ ...sample, goodsType: 'physical-goods', beneficiaries: [beneficiary] }, { now });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const params = ((r.value.interactive as Record<string, unknown>).action as { parameters: Record<string, unknown> }).parameters;
    expect(params.type).toBe('physical-goods');
    expect(params.beneficiaries).toEqual([
      { name: 'Nidhi Tripathi', address_line1: 'B8/733 nand nagri', city: 'East Delhi', state: 'Delhi', country: 'India', postal_code: '110093' },
    ]);
  });

  it('converts JPY amounts with offset 1', () => {
    const r = orderDetailsMessage(
      {
        ...sample,
        to: '819012345678',
        referenceId: 'JP-1',
        currency: 'JPY',
        items: [{ name: 'Tea', amount: 1200, quantity: 2 }],
        tax: 240,
        shipping: undefined,
        shippingDescription: undefined,
        discount: 50,
        total: 2590,
      },
      { now },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const params = ((r.value.interactive as Record<string, unknown>).action as { parameters: Record<string, unknown> }).parameters;
    expect(params.total_amount).toEqual({ value: 2590, offset: 1 });
    const order = params.order as Record<string, unknown>;
    expect(order.items).toEqual([{ name: 'Tea', amount: { value: 1200, offset: 1 }, quantity: 2 }]);
    expect(order.subtotal).toEqual({ value: 2400, offset: 1 });
    expect(order.tax).toEqual({ value: 240, offset: 1, description: 'optional_text' });
    expect(order.discount).toEqual({ value: 50, offset: 1, description: 'optional_text', discount_program_name: 'optional_text' });
  });

  it('converts KWD amounts with offset 1000', () => {
    const r = orderDetailsMessage(
      {
        ...sample,
        referenceId: 'KW-1',
        currency: 'KWD',
        items: [{ name: 'Dates', amount: 1250, saleAmount: 1005, quantity: 3 }],
        tax: 0,
        shipping: 500,
        discount: undefined,
        discountDescription: undefined,
        discountProgramName: undefined,
      },
      { now },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const params = ((r.value.interactive as Record<string, unknown>).action as { parameters: Record<string, unknown> }).parameters;
    const order = params.order as Record<string, unknown>;
    expect(order.items).toEqual([{ name: 'Dates', amount: { value: 1250, offset: 1000 }, sale_amount: { value: 1005, offset: 1000 }, quantity: 3 }]);
    expect(order.subtotal).toEqual({ value: 3015, offset: 1000 });
    expect(order.tax).toEqual({ value: 0, offset: 1000, description: 'optional_text' });
    expect(params.total_amount).toEqual({ value: 3515, offset: 1000 });
  });

  it.each<[string, Partial<OrderDetailsMessageInput>, string]>([
    ['reference id with a space', { referenceId: 'bad ref' }, 'referenceId'],
    ['reference id of 36 chars', { referenceId: 'a'.repeat(36) }, 'referenceId'],
    ['empty reference id', { referenceId: '' }, 'referenceId'],
    ['wrong total', { total: 1000 }, 'total'],
    ['wrong subtotal', { subtotal: 1500 }, 'subtotal'],
    ['sale amount equal to amount', { items: [{ name: 'bread', amount: 1000, saleAmount: 1000, quantity: 1 }] }, 'items.0.saleAmount'],
    ['sale amount above amount', { items: [{ name: 'bread', amount: 1000, saleAmount: 1001, quantity: 1 }] }, 'items.0.saleAmount'],
    ['fractional quantity', { items: [{ name: 'bread', amount: 1000, quantity: 1.5 }] }, 'items.0.quantity'],
    ['zero quantity', { items: [{ name: 'bread', amount: 1000, quantity: 0 }] }, 'items.0.quantity'],
    ['fractional minor amount', { items: [{ name: 'bread', amount: 10.5, quantity: 1 }] }, 'items.0.amount'],
    ['no items', { items: [] }, 'items'],
    ['101 items', { items: Array.from({ length: 101 }, () => ({ name: 'x', amount: 1, quantity: 1 })) }, 'items'],
    ['item name over 60', { items: [{ name: 'n'.repeat(61), amount: 1000, quantity: 1 }] }, 'items.0.name'],
    ['expiry 299 s ahead', { expiration: { timestamp: nowSec + 299, description: 'soon' } }, 'expiration.timestamp'],
    ['expiry in the past', { expiration: { timestamp: nowSec - 10, description: 'late' } }, 'expiration.timestamp'],
    ['expiry without description', { expiration: { timestamp: nowSec + 600 } }, 'expiration.description'],
    ['expiry description over 120', { expiration: { timestamp: nowSec + 600, description: 'd'.repeat(121) } }, 'expiration.description'],
    ['status other than pending', { status: 'processing' }, 'status'],
    ['unknown goods type', { goodsType: 'services' as never }, 'goodsType'],
    ['physical goods in INR without beneficiaries', { goodsType: 'physical-goods' }, 'beneficiaries'],
    [
      'beneficiary with a 5-digit PIN',
      { goodsType: 'physical-goods', beneficiaries: [{ name: 'N', addressLine1: 'A', city: 'C', state: 'S', country: 'India', postalCode: '11009' }] },
      'beneficiaries.0.postalCode',
    ],
    ['shippingInfo on the interactive message', { shippingInfo: { country: 'IN', addresses: [] } }, 'shippingInfo'],
    ['no catalog and no importer fields', { catalogId: undefined }, 'items.0.countryOfOrigin'],
    [
      'importer address missing zone code',
      {
        catalogId: undefined,
        items: [{ name: 'bread', amount: 1000, quantity: 1, ...importer, importerAddress: { ...importer.importerAddress, zoneCode: '' } }],
      },
      'items.0.importerAddress.zoneCode',
    ],
    ['body over 1024', { body: 'b'.repeat(1025) }, 'body'],
    ['empty body', { body: '  ' }, 'body'],
    ['footer over 60', { footer: 'f'.repeat(61) }, 'footer'],
    ['tax description over 60', { taxDescription: 't'.repeat(61) }, 'taxDescription'],
    ['discount program name over 60', { discountProgramName: 'p'.repeat(61) }, 'discountProgramName'],
    ['discount leaving nothing to pay', { discount: 1200 }, 'discount'],
    ['unknown currency', { currency: 'XXX' }, 'currency'],
    ['configuration name over 60', { payment: { mode: 'upi_intent', configurationName: 'c'.repeat(61) } }, 'payment.configurationName'],
    ['unknown payment mode', { payment: { mode: 'cash', configurationName: 'c' } as never }, 'payment.mode'],
    ['unknown gateway', { payment: { mode: 'whatsapp_gateway', gateway: 'stripe' as never, configurationName: 'c' } }, 'payment.gateway'],
    [
      'payu fields on a razorpay gateway',
      { payment: { mode: 'whatsapp_gateway', gateway: 'razorpay', configurationName: 'c', payu: { udf1: 'x' } } },
      'payment.payu',
    ],
    [
      'razorpay receipt over 40',
      { payment: { mode: 'whatsapp_gateway', gateway: 'razorpay', configurationName: 'c', razorpay: { receipt: 'r'.repeat(41) } } },
      'payment.razorpay.receipt',
    ],
    [
      'razorpay notes with 16 keys',
      {
        payment: {
          mode: 'whatsapp_gateway',
          gateway: 'razorpay',
          configurationName: 'c',
          razorpay: { notes: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])) },
        },
      },
      'payment.razorpay.notes',
    ],
    ['non-numeric catalog id', { catalogId: 'cat-1' }, 'catalogId'],
    ['bad recipient', { to: 'not-a-phone' }, 'to'],
    ['callback data over 512 bytes', { bizOpaqueCallbackData: 'é'.repeat(257) }, 'bizOpaqueCallbackData'],
    ['non-http header image', { headerImageUrl: 'ftp://x/y.jpg' }, 'headerImageUrl'],
  ])('refuses %s', (_name, patch, path) => {
    expect(refusalPath(orderDetailsMessage({ ...sample, ...patch }, { now }))).toBe(path);
  });

  it('refuses a missing retailer id in Brazil', () => {
    const r = orderDetailsMessage(
      {
        ...sample,
        currency: 'BRL',
        items: [{ name: 'Pão', amount: 1000, quantity: 1 }],
        discount: undefined,
        discountDescription: undefined,
        discountProgramName: undefined,
      },
      { now },
    );
    expect(refusalPath(r)).toBe('items.0.retailerId');
  });

  it('refuses an invalid now', () => {
    expect(refusalPath(orderDetailsMessage(sample, { now: new Date(Number.NaN) }))).toBe('now');
  });
});

describe('orderStatusMessage', () => {
  const base = { to: '919876543210', body: 'Your order is on its way', referenceId: 'unique-reference-id' } as const;

  it('builds the §5.6 order_status sample exactly', () => {
    expect(orderStatusMessage({ ...base, status: 'processing', description: 'optional-text' })).toEqual({
      ok: true,
      value: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '919876543210',
        type: 'interactive',
        interactive: {
          type: 'order_status',
          body: { text: 'Your order is on its way' },
          action: { name: 'review_order', parameters: { reference_id: 'unique-reference-id', order: { status: 'processing', description: 'optional-text' } } },
        },
      },
    });
  });

  it.each(['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled'] as const)('accepts %s', (status) => {
    expect(orderStatusMessage({ ...base, status }).ok).toBe(true);
  });

  it('adds the Brazil payment object and a footer', () => {
    const r = orderStatusMessage({ ...base, status: 'processing', footer: 'Obrigado', payment: { status: 'captured', timestamp: 1722445231 } });
    expect(r.ok && (r.value.interactive as Record<string, unknown>)).toEqual({
      type: 'order_status',
      body: { text: 'Your order is on its way' },
      footer: { text: 'Obrigado' },
      action: {
        name: 'review_order',
        parameters: { reference_id: 'unique-reference-id', order: { status: 'processing' }, payment: { status: 'captured', timestamp: 1722445231 } },
      },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown status', { status: 'delivered' }, 'status'],
    ['the hyphenated table spelling', { status: 'partially-shipped' }, 'status'],
    ['British cancelled', { status: 'cancelled' }, 'status'],
    ['description over 120', { status: 'shipped', description: 'd'.repeat(121) }, 'description'],
    ['body over 1024', { status: 'shipped', body: 'b'.repeat(1025) }, 'body'],
    ['footer over 60', { status: 'shipped', footer: 'f'.repeat(61) }, 'footer'],
    ['a bad reference id', { status: 'shipped', referenceId: 'a/b' }, 'referenceId'],
    ['an unknown payment status', { status: 'shipped', payment: { status: 'paid', timestamp: 1 } }, 'payment.status'],
  ])('refuses %s', (_name, patch, path) => {
    expect(refusalPath(orderStatusMessage({ ...base, ...patch } as never))).toBe(path);
  });
});
