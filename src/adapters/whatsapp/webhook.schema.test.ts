import { describe, expect, it } from 'vitest';
import {
  NFM_REPLY,
  ORDER_MESSAGE,
  PAYMENT_OBJECT_RICHER,
  PAYMENT_STATUS_OFFICIAL,
  STATUS_DELIVERED,
  STATUS_FAILED_STATUS,
  STATUS_READ_STATUS,
  STATUS_SENT_STATUS,
  TEXT_MESSAGE,
} from './webhook.fixtures.ts';
import { extractItems } from './webhook.schema.ts';
import { inbound, messagesBody, only, parse, withStatus } from './webhook.schema.test-support.ts';

describe('extractItems on the reference payloads', () => {
  it('reads the §5.1 text message with its routing and contact', () => {
    expect(only(extractItems(parse(TEXT_MESSAGE)))).toMatchObject({
      kind: 'message',
      entryId: '8856996819413533',
      field: 'messages',
      phoneNumberId: '27681414235104944',
      displayPhoneNumber: '16505553333',
      contact: { waId: '16315551234', name: 'Kerry Fisher' },
      message: { type: 'text', id: 'wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W', from: '16315551234', timestamp: '1603059201', text: 'Hello this is an answer' },
      dedupeKey: 'msg:wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W',
    });
  });

  it('reads the §5.2 cart with major-unit prices converted to minor units', () => {
    const item = only(extractItems(parse(ORDER_MESSAGE)));
    expect(item.kind === 'message' && item.message).toEqual({
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=',
      from: '16505551234',
      timestamp: '1750096325',
      type: 'order',
      order: {
        catalogId: '194836987003835',
        items: [
          { productRetailerId: 'di9ozbzfi4', quantity: 2, currency: 'USD', itemPrice: 3000 },
          { productRetailerId: 'nqryix03ez', quantity: 1, currency: 'USD', itemPrice: 2500 },
        ],
      },
    });
  });

  it.each<[unknown, string, number | null]>([
    [10.5, 'INR', 1050],
    [19.99, 'USD', 1999],
    [0.1 + 0.2, 'USD', null], // 0.30000000000000004: refused, never rounded
    [1e21, 'USD', null],
    [1200, 'JPY', 1200],
    [12.5, 'JPY', null],
    [1.234, 'KWD', 1234],
    [30, 'ILS', 3000],
    ['35', 'ILS', 3500], // Postman's placeholder strings
    [-5, 'USD', null],
    [10, 'ZZZ', null],
  ])('converts item_price %j %s to %j minor units', (price, currency, minor) => {
    const item = only(
      extractItems(inbound({ type: 'order', order: { product_items: [{ product_retailer_id: 'S', quantity: 1, item_price: price, currency }] } })),
    );
    expect(item.kind === 'message' && item.message.type === 'order' && item.message.order.items[0]?.itemPrice).toBe(minor);
  });

  it.each<[string, unknown, string]>([
    ['sent', parse(STATUS_SENT_STATUS), 'st:wamid.xyzxyz:sent'],
    ['read', parse(STATUS_READ_STATUS), 'st:wamid.xyzxyz:read'],
  ])('reads a %s status', (status, raw, key) => {
    expect(only(extractItems(withStatus(raw)))).toMatchObject({
      kind: 'status',
      phoneNumberId: '1122334455667',
      status: { id: 'wamid.xyzxyz', status, recipientId: '972987654321', errors: [] },
      dedupeKey: key,
    });
  });

  it('reads the §5.3 delivered status with conversation and pricing', () => {
    const item = only(extractItems(parse(STATUS_DELIVERED)));
    expect(item).toMatchObject({
      kind: 'status',
      dedupeKey: 'st:wamid.xyzxyz:delivered',
      status: {
        status: 'delivered',
        timestamp: '1698266945',
        conversation: { id: '7270432eae37498234f4444b35ffc5', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
      },
    });
  });

  it('reads a failed status with its errors', () => {
    const item = only(extractItems(withStatus(parse(STATUS_FAILED_STATUS))));
    expect(item.kind === 'status' && item.status).toEqual({
      id: 'wamid.xyzxyz',
      status: 'failed',
      timestamp: '1689380458',
      recipientId: '972987654321',
      errors: [
        {
          code: 130472,
          title: "User's number is part of an experiment",
          message: "User's number is part of an experiment",
          details: "Failed to send message because this user's phone number is part of an experiment",
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ],
    });
  });

  it('carries biz_opaque_callback_data on statuses', () => {
    const item = only(extractItems(withStatus({ ...(parse(STATUS_SENT_STATUS) as object), biz_opaque_callback_data: 'msg_01j' })));
    expect(item.kind === 'status' && item.status.bizOpaqueCallbackData).toBe('msg_01j');
  });

  it('reads the §5.4 official payment status (placeholders and all)', () => {
    const item = only(extractItems(parse(PAYMENT_STATUS_OFFICIAL)));
    expect(item).toMatchObject({
      kind: 'payment_status',
      phoneNumberId: 'PHONE_NUMBER_ID',
      payment: { id: 'wamid.ID', from: 'PHONE_NUMBER', type: 'payment', payment: { reference_id: 'reference-id-from-order-details-msg' } },
      dedupeKey: 'pay:reference-id-from-order-details-msg:<captured | failed | pending>:',
    });
  });

  it('reads the richer payment status with amount and transaction', () => {
    const status = {
      id: 'wamid.P1',
      recipient_id: '919876543210',
      type: 'payment',
      status: 'captured',
      timestamp: '1722445290',
      ...(parse(PAYMENT_OBJECT_RICHER) as object),
    };
    const item = only(extractItems(withStatus(status)));
    expect(item).toMatchObject({
      kind: 'payment_status',
      payment: {
        status: 'captured',
        payment: {
          reference_id: 'ORDER_12345',
          amount: { value: 10000, offset: 100 },
          currency: 'INR',
          transaction: { id: 'txn_xxx', type: 'upi', status: 'success' },
        },
      },
      dedupeKey: 'pay:ORDER_12345:captured:txn_xxx',
    });
  });

  it('reads the §5.5 nfm_reply and parses response_json', () => {
    const item = only(extractItems(parse(NFM_REPLY)));
    expect(item).toMatchObject({
      kind: 'message',
      contact: { waId: '972987654321', userId: 'US.13491208655302741918', name: 'Test Name' },
      message: {
        type: 'nfm_reply',
        context: { from: '972123456789', id: 'wamid.gvwegfretge==' },
        nfm: {
          name: 'flow',
          body: 'Sent',
          flowToken: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
          responseJson: {
            comment_text: 'Comment Text',
            delivery_rating: '4',
            flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
            purchase_rating: '2',
            recommend_radio: '0',
            cs_rating: '0',
          },
        },
      },
      dedupeKey: 'msg:wamid.wegrchytvwcggt==',
    });
  });
});

describe('extractItems on batches', () => {
  it('flattens 2 entries × 2 changes, in order', () => {
    const text = (parse(TEXT_MESSAGE) as { entry: { changes: unknown[] }[] }).entry[0]?.changes[0];
    const order = (parse(ORDER_MESSAGE) as { entry: { changes: unknown[] }[] }).entry[0]?.changes[0];
    const delivered = (parse(STATUS_DELIVERED) as { entry: { changes: unknown[] }[] }).entry[0]?.changes[0];
    const nfm = (parse(NFM_REPLY) as { entry: { changes: unknown[] }[] }).entry[0]?.changes[0];
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: 'E1', changes: [text, delivered] },
        { id: 'E2', changes: [order, nfm] },
      ],
    };
    const items = extractItems(body);
    expect(items.map((i) => [i.entryId, i.kind, i.kind === 'message' ? i.message.type : i.kind === 'status' ? i.status.status : ''])).toEqual([
      ['E1', 'message', 'text'],
      ['E1', 'status', 'delivered'],
      ['E2', 'message', 'order'],
      ['E2', 'message', 'nfm_reply'],
    ]);
  });

  it('reads a 1,000-status body (Meta batches up to 1,000 updates)', () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => ({
      id: `wamid.S${i}`,
      status: i % 2 ? 'delivered' : 'read',
      timestamp: String(1698266945 + i),
      recipient_id: '972987654321',
    }));
    const items = extractItems(messagesBody({ statuses }));
    expect(items).toHaveLength(1000);
    expect(items.every((i) => i.kind === 'status' && i.phoneNumberId === '106540352242922')).toBe(true);
    expect(new Set(items.map((i) => i.dedupeKey)).size).toBe(1000);
    expect(items[999]?.dedupeKey).toBe('st:wamid.S999:delivered');
  });

  it('reads messages, statuses and errors of one change together', () => {
    const value = {
      contacts: [{ wa_id: '1' }, { wa_id: '2', profile: { name: 'Two' } }],
      messages: [{ from: '2', id: 'wamid.M2', timestamp: '1', type: 'text', text: { body: 'hi' } }],
      statuses: [
        { id: 'wamid.O', status: 'sent', timestamp: '1', recipient_id: '1' },
        { id: 'x', type: 'payment', status: 'pending', payment: { reference_id: 'R1' } },
      ],
      errors: [{ code: 131000, title: 't' }],
    };
    const items = extractItems(messagesBody(value));
    expect(items.map((i) => i.kind)).toEqual(['message', 'status', 'payment_status', 'error']);
    expect(items[0]).toMatchObject({ contact: { waId: '2', name: 'Two' } });
    expect(items[2]?.dedupeKey).toBe('pay:R1:pending:');
  });
});
