import { describe, expect, it } from 'vitest';
import { templateMessage, type TemplateMessageInput } from './message.builders.ts';
import { toAmount1000 } from './template.builder.ts';

const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' } as const;
const to = '16505551234';

function refusalPath(r: { ok: boolean; error?: { code: string; details?: unknown } }): string | undefined {
  expect(r.ok).toBe(false);
  expect(r.error?.code).toBe('validation_error');
  return (r.error?.details as { path?: string } | undefined)?.path;
}

describe('templateMessage', () => {
  it('builds whatsapp.md §1 template with text, currency, date_time and a flow button', () => {
    const r = templateMessage({
      to,
      name: 'order_update',
      languageCode: 'en_US',
      body: [
        { type: 'text', text: 'Kerry' },
        { type: 'currency', amount: 10099, currency: 'USD', fallback: '$100.99' },
        { type: 'date_time', fallback: 'February 25, 1977' },
      ],
      buttons: [{ subType: 'flow', index: 0, flowToken: 'ftk', flowActionData: {} }],
    });
    expect(r).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'template',
        template: {
          name: 'order_update',
          language: { policy: 'deterministic', code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Kerry' },
                { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
                { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
              ],
            },
            { type: 'button', sub_type: 'flow', index: 0, parameters: [{ type: 'action', action: { flow_token: 'ftk', flow_action_data: {} } }] },
          ],
        },
      },
    });
  });

  it('converts currency parameters for JPY and KWD exactly', () => {
    expect(toAmount1000(1200, 'JPY')).toBe(1_200_000);
    expect(toAmount1000(1250, 'KWD')).toBe(1250);
    expect(toAmount1000(12345, 'CLF')).toBeUndefined(); // 1.2345 CLF × 1000 is not an integer
    expect(toAmount1000(0, 'USD')).toBeUndefined();
  });

  it('builds quick_reply, url, catalog buttons and named parameters', () => {
    const r = templateMessage({
      to,
      name: 'back_in_stock',
      languageCode: 'pt_BR',
      header: [{ type: 'image', link: 'https://example.com/a.png' }],
      body: [{ type: 'text', text: 'Ana', parameterName: 'first_name' }],
      buttons: [
        { subType: 'quick_reply', index: 0, payload: 'stop' },
        { subType: 'url', index: 1, text: 'ord_123' },
        { subType: 'catalog', index: 2, thumbnailProductRetailerId: 'SKU1' },
      ],
    });
    expect(r.ok && (r.value.template as { components: unknown }).components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }] },
      { type: 'button', sub_type: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'stop' }] },
      { type: 'button', sub_type: 'url', index: 1, parameters: [{ type: 'text', text: 'ord_123' }] },
      { type: 'button', sub_type: 'catalog', index: 2, parameters: [{ type: 'action', action: { thumbnail_product_retailer_id: 'SKU1' } }] },
    ]);
  });

  // Meta's "Send a checkout button template" example request (checkout-button-templates, v25.0).
  it('builds the order_details checkout-button template exactly as Meta documents it', () => {
    const input: TemplateMessageInput = {
      to: '+16505551234',
      name: 'item_back_in_stock_v2',
      languageCode: 'en_US',
      header: [{ type: 'image', id: '1558081531584829' }],
      body: [
        { type: 'text', text: 'Nidhi' },
        { type: 'text', text: 'Blue Elf Aloe' },
      ],
      buttons: [
        {
          subType: 'order_details',
          index: 0,
          order: {
            referenceId: 'abc.123_xyz-1',
            goodsType: 'physical-goods',
            currency: 'INR',
            payment: { mode: 'whatsapp_gateway', gateway: 'razorpay', configurationName: 'prod-razor-pay-config-05' },
            shippingInfo: {
              country: 'IN',
              addresses: [
                {
                  name: 'Nidhi Tripathi',
                  phoneNumber: '919000090000',
                  address: 'Bandra Kurla Complex',
                  city: 'Mumbai',
                  state: 'Maharastra',
                  inPinCode: '400051',
                  houseNumber: '12',
                  towerNumber: '5',
                  buildingName: 'One BKC',
                  landmarkArea: 'Near BKC Circle',
                },
              ],
            },
            items: [
              {
                name: 'Blue Elf Aloe',
                amount: 200000,
                saleAmount: 150000,
                quantity: 1,
                countryOfOrigin: 'India',
                importerName: 'Lucky Shrub Imports and Exports',
                importerAddress: {
                  addressLine1: 'One BKC',
                  addressLine2: 'Bandra Kurla Complex',
                  city: 'Mumbai',
                  zoneCode: 'MH',
                  postalCode: '400051',
                  countryCode: 'IN',
                },
              },
            ],
            shipping: 20000,
            tax: 10000,
            discount: 15000,
            discountDescription: 'Additional 10% off',
            expiration: { timestamp: 1726627150 },
          },
        },
      ],
    };
    const r = templateMessage(input, { now: new Date((1726627150 - 300) * 1000) });
    expect(r).toEqual({
      ok: true,
      value: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+16505551234',
        type: 'template',
        template: {
          name: 'item_back_in_stock_v2',
          language: { policy: 'deterministic', code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { id: '1558081531584829' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Nidhi' },
                { type: 'text', text: 'Blue Elf Aloe' },
              ],
            },
            {
              type: 'button',
              sub_type: 'order_details',
              index: 0,
              parameters: [
                {
                  type: 'action',
                  action: {
                    order_details: {
                      reference_id: 'abc.123_xyz-1',
                      type: 'physical-goods',
                      currency: 'INR',
                      payment_settings: [{ type: 'payment_gateway', payment_gateway: { type: 'razorpay', configuration_name: 'prod-razor-pay-config-05' } }],
                      shipping_info: {
                        country: 'IN',
                        addresses: [
                          {
                            name: 'Nidhi Tripathi',
                            phone_number: '919000090000',
                            address: 'Bandra Kurla Complex',
                            city: 'Mumbai',
                            state: 'Maharastra',
                            in_pin_code: '400051',
                            house_number: '12',
                            tower_number: '5',
                            building_name: 'One BKC',
                            landmark_area: 'Near BKC Circle',
                          },
                        ],
                      },
                      order: {
                        items: [
                          {
                            amount: { offset: 100, value: 200000 },
                            sale_amount: { offset: 100, value: 150000 },
                            name: 'Blue Elf Aloe',
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
                        ],
                        subtotal: { offset: 100, value: 150000 },
                        shipping: { offset: 100, value: 20000 },
                        tax: { offset: 100, value: 10000 },
                        discount: { offset: 100, value: 15000, description: 'Additional 10% off' },
                        status: 'pending',
                        expiration: { timestamp: '1726627150' },
                      },
                      total_amount: { offset: 100, value: 165000 },
                    },
                  },
                },
              ],
            },
          ],
        },
      },
    });
  });

  it('prefixes order refusals inside a template button with the button path', () => {
    const r = templateMessage(
      {
        to,
        name: 't',
        languageCode: 'en',
        buttons: [
          {
            subType: 'order_details',
            index: 0,
            order: {
              referenceId: 'R1',
              goodsType: 'physical-goods',
              currency: 'INR',
              payment: { mode: 'upi_intent', configurationName: 'c' },
              catalogId: '1',
              items: [{ name: 'x', amount: 100, quantity: 1 }],
            },
          },
        ],
      },
      { now: new Date() },
    );
    expect(refusalPath(r)).toBe('buttons.0.order.shippingInfo');
    const noNow = templateMessage({ to, name: 't', languageCode: 'en', buttons: [{ subType: 'order_details', index: 0, order: {} as never }] });
    expect(refusalPath(noNow)).toBe('now');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an uppercase name', { name: 'Order_Update' }, 'name'],
    ['a bad language', { languageCode: 'english' }, 'languageCode'],
    ['an empty body list', { body: [] }, 'body'],
    ['a bad parameter name', { body: [{ type: 'text', text: 'x', parameterName: 'First-Name' }] }, 'body.0.parameterName'],
    [
      'mixed named and positional',
      {
        body: [
          { type: 'text', text: 'x', parameterName: 'a' },
          { type: 'text', text: 'y' },
        ],
      },
      'body',
    ],
    ['a media parameter in the body', { body: [{ type: 'image', link: 'https://x.example/a.png' }] }, 'body.0.type'],
    ['a zero currency amount', { body: [{ type: 'currency', amount: 0, currency: 'USD', fallback: '$0' }] }, 'body.0.amount'],
    [
      'two header parameters',
      {
        header: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      'header',
    ],
    [
      'a duplicate button index',
      {
        buttons: [
          { subType: 'quick_reply', index: 0, payload: 'a' },
          { subType: 'quick_reply', index: 0, payload: 'b' },
        ],
      },
      'buttons.1.index',
    ],
    ['a button index of 10', { buttons: [{ subType: 'quick_reply', index: 10, payload: 'a' }] }, 'buttons.0.index'],
    ['an unknown button', { buttons: [{ subType: 'call', index: 0 }] }, 'buttons.0.subType'],
  ])('refuses %s', (_n, patch, path) => {
    expect(refusalPath(templateMessage({ to, name: 'order_update', languageCode: 'en_US', ...patch } as never))).toBe(path);
  });
});
