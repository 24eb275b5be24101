import { describe, expect, it } from 'vitest';
import { extractItems } from './webhook.schema.ts';
import { inbound, messagesBody, only } from './webhook.schema.test-support.ts';

describe('extractItems on other inbound types', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      'a product enquiry (text with referred_product)',
      {
        type: 'text',
        text: { body: 'Is this in stock?' },
        context: { from: '15550783881', id: 'wamid.PRODUCT', referred_product: { catalog_id: '194836987003835', product_retailer_id: 'di9ozbzfi4' } },
      },
      {
        type: 'text',
        text: 'Is this in stock?',
        context: { from: '15550783881', id: 'wamid.PRODUCT', referredProduct: { catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4' } },
      },
    ],
    [
      'a button_reply',
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'pay', title: 'Pay now' } } },
      { type: 'button_reply', reply: { id: 'pay', title: 'Pay now' } },
    ],
    [
      'a list_reply',
      { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row', description: 'Desc' } } },
      { type: 'list_reply', reply: { id: 'r1', title: 'Row', description: 'Desc' } },
    ],
    [
      'a template button tap',
      { type: 'button', button: { text: 'Stop', payload: 'opt-out' } },
      { type: 'button', button: { text: 'Stop', payload: 'opt-out' } },
    ],
    [
      'an unsupported message',
      {
        type: 'unsupported',
        errors: [
          { code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } },
        ],
      },
      {
        type: 'unsupported',
        errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'Message type is currently not supported.' }],
      },
    ],
    ['an image (kept as other)', { type: 'image', image: { id: '1', mime_type: 'image/jpeg' } }, { type: 'other', originalType: 'image' }],
    [
      'an nfm_reply with broken JSON',
      { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', response_json: '{not json' } } },
      { type: 'nfm_reply', nfm: { name: 'flow', responseJson: null } },
    ],
    [
      'an unknown interactive type',
      { type: 'interactive', interactive: { type: 'call_permission_reply' } },
      { type: 'other', originalType: 'interactive:call_permission_reply' },
    ],
  ])('reads %s', (_n, message, expected) => {
    const item = only(extractItems(inbound(message)));
    expect(item.kind).toBe('message');
    expect(item.kind === 'message' && item.message).toEqual({ id: 'wamid.IN', from: '16505551234', timestamp: '1750096325', ...expected });
  });

  it('keeps a message without an id whole, as other', () => {
    const raw = { from: '1', timestamp: '1', type: 'text', text: { body: 'x' } };
    expect(only(extractItems(messagesBody({ messages: [raw] })))).toMatchObject({ kind: 'other', reason: 'unreadable_message', value: raw });
  });

  it('reads value.errors[] as error items', () => {
    const error = { code: 131000, title: 'Something went wrong', message: 'Something went wrong', error_data: { details: 'x' }, href: 'h' };
    const item = only(extractItems(messagesBody({ errors: [error] })));
    expect(item).toMatchObject({
      kind: 'error',
      phoneNumberId: '106540352242922',
      error: { code: 131000, title: 'Something went wrong', details: 'x', href: 'h' },
      raw: error,
    });
    expect(item.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads payment_configuration_update', () => {
    const value = {
      configuration_name: 'prod-razor-pay-config-05',
      provider_name: 'razorpay',
      provider_mid: 'acc_1',
      status: 'Active',
      created_timestamp: 1722445231,
      updated_timestamp: 1722445290,
    };
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA1', time: 1722445290, changes: [{ field: 'payment_configuration_update', value }] }],
    };
    const item = only(extractItems(body));
    expect(item).toMatchObject({ kind: 'payment_configuration_update', entryId: 'WABA1', entryTime: 1722445290, update: value });
    expect(item.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads message_template_status_update; an unreadable one is kept whole', () => {
    const value = {
      event: 'REJECTED',
      message_template_id: 12345,
      message_template_name: 'promo',
      message_template_language: 'en_US',
      reason: 'INVALID_FORMAT',
    };
    const body = { object: 'whatsapp_business_account', entry: [{ id: 'W', time: 1722445290, changes: [{ field: 'message_template_status_update', value }] }] };
    const item = only(extractItems(body));
    expect(item).toMatchObject({ kind: 'template_status', entryId: 'W', entryTime: 1722445290, update: { ...value, message_template_id: '12345' } });
    const bad = { event: 'APPROVED', message_template_id: 1 };
    const badBody = { object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'message_template_status_update', value: bad }] }] };
    expect(only(extractItems(badBody))).toMatchObject({ kind: 'other', reason: 'unreadable_message_template_status_update', value: bad });
  });

  it('keeps unknown fields and bad envelopes whole, as other', () => {
    const value = { event: 'VERIFIED' };
    const body = { object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'account_update', value }] }] };
    expect(only(extractItems(body))).toMatchObject({
      kind: 'other',
      field: 'account_update',
      reason: 'field:account_update',
      value,
    });
    expect(only(extractItems({ hello: 'world' }))).toMatchObject({ kind: 'other', reason: 'invalid_envelope', value: { hello: 'world' } });
    expect(only(extractItems(null))).toMatchObject({ kind: 'other', reason: 'invalid_envelope' });
    expect(only(extractItems(messagesBody({})))).toMatchObject({ kind: 'other', reason: 'empty_messages_value' });
  });

  it('gives the same keys to a redelivered body and different keys to different other items', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W',
          changes: [
            { field: 'flows', value: { a: 1 } },
            { field: 'flows', value: { a: 2 } },
          ],
        },
      ],
    };
    const first = extractItems(body).map((i) => i.dedupeKey);
    expect(extractItems(JSON.parse(JSON.stringify(body))).map((i) => i.dedupeKey)).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });
});
