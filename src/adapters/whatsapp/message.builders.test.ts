import { describe, expect, it } from 'vitest';
import { ctaUrlMessage, flowMessage, markReadBody, productListMessage, productMessage, replyButtonsMessage, textMessage } from './message.builders.ts';

const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505551234' } as const;
const to = '16505551234';

function refusalPath(r: { ok: boolean; error?: { code: string; details?: unknown } }): string | undefined {
  expect(r.ok).toBe(false);
  expect(r.error?.code).toBe('validation_error');
  return (r.error?.details as { path?: string } | undefined)?.path;
}

describe('textMessage', () => {
  it('builds a text message', () => {
    expect(textMessage({ to, body: 'Hello' })).toEqual({ ok: true, value: { ...head, type: 'text', text: { preview_url: false, body: 'Hello' } } });
  });

  it('adds context, biz_opaque_callback_data and preview_url when asked', () => {
    expect(textMessage({ to: '+16505551234', body: 'See https://x.y', previewUrl: true, replyTo: 'wamid.ABC=', bizOpaqueCallbackData: 'msg_1' })).toEqual({
      ok: true,
      value: {
        ...head,
        to: '+16505551234',
        context: { message_id: 'wamid.ABC=' },
        type: 'text',
        biz_opaque_callback_data: 'msg_1',
        text: { preview_url: true, body: 'See https://x.y' },
      },
    });
  });

  it('accepts exactly 4096 characters', () => {
    expect(textMessage({ to, body: 'a'.repeat(4096) }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a 4097-character body', { body: 'a'.repeat(4097) }, 'body'],
    ['an empty body', { body: '' }, 'body'],
    ['a missing body', { body: undefined }, 'body'],
    ['a recipient with letters', { to: '1650abc' }, 'to'],
    ['a too-long recipient', { to: '1234567890123456' }, 'to'],
    ['callback data of 513 bytes', { bizOpaqueCallbackData: 'x'.repeat(513) }, 'bizOpaqueCallbackData'],
    ['a replyTo with spaces', { replyTo: 'wamid with space' }, 'replyTo'],
  ])('refuses %s', (_n, patch, path) => {
    expect(refusalPath(textMessage({ to, body: 'hi', ...patch } as never))).toBe(path);
  });
});

describe('ctaUrlMessage', () => {
  it('builds a cta_url message', () => {
    expect(ctaUrlMessage({ to, header: 'Pay', body: 'Tap to pay', footer: 'chatcart', displayText: 'Pay now', url: 'https://shop.example/pay/abc' })).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          header: { type: 'text', text: 'Pay' },
          body: { text: 'Tap to pay' },
          footer: { text: 'chatcart' },
          action: { name: 'cta_url', parameters: { display_text: 'Pay now', url: 'https://shop.example/pay/abc' } },
        },
      },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['display text over 20', { displayText: 'd'.repeat(21) }, 'displayText'],
    ['a javascript url', { url: 'javascript:alert(1)' }, 'url'],
    ['a relative url', { url: '/pay' }, 'url'],
    ['header over 60', { header: 'h'.repeat(61) }, 'header'],
    ['no body', { body: undefined }, 'body'],
  ])('refuses %s', (_n, patch, path) => {
    expect(refusalPath(ctaUrlMessage({ to, body: 'b', displayText: 'Go', url: 'https://x.example', ...patch } as never))).toBe(path);
  });
});

describe('productMessage', () => {
  it('builds a single-product message without a header', () => {
    expect(productMessage({ to, catalogId: '194836987003835', productRetailerId: 'di9ozbzfi4', body: 'Have a look', footer: 'chatcart' })).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'product',
          body: { text: 'Have a look' },
          footer: { text: 'chatcart' },
          action: { catalog_id: '194836987003835', product_retailer_id: 'di9ozbzfi4' },
        },
      },
    });
  });

  it('omits body and footer when not given', () => {
    const r = productMessage({ to, catalogId: '1', productRetailerId: 'SKU1' });
    expect(r.ok && r.value.interactive).toEqual({ type: 'product', action: { catalog_id: '1', product_retailer_id: 'SKU1' } });
  });

  it('refuses a missing retailer id and a non-numeric catalog', () => {
    expect(refusalPath(productMessage({ to, catalogId: '1', productRetailerId: '' }))).toBe('productRetailerId');
    expect(refusalPath(productMessage({ to, catalogId: 'abc', productRetailerId: 'x' }))).toBe('catalogId');
  });
});

describe('productListMessage', () => {
  const base = { to, header: 'Menu', body: 'Pick what you like', catalogId: '194836987003835' };

  it('builds a multi-product message', () => {
    const r = productListMessage({
      ...base,
      sections: [
        { title: 'Burgers', productRetailerIds: ['B1', 'B2'] },
        { title: 'Drinks', productRetailerIds: ['D1'] },
      ],
    });
    expect(r).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'product_list',
          header: { type: 'text', text: 'Menu' },
          body: { text: 'Pick what you like' },
          action: {
            catalog_id: '194836987003835',
            sections: [
              { title: 'Burgers', product_items: [{ product_retailer_id: 'B1' }, { product_retailer_id: 'B2' }] },
              { title: 'Drinks', product_items: [{ product_retailer_id: 'D1' }] },
            ],
          },
        },
      },
    });
  });

  it('allows one untitled section and exactly 10 sections / 30 products', () => {
    expect(productListMessage({ ...base, sections: [{ productRetailerIds: ['A'] }] }).ok).toBe(true);
    const ten = Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, productRetailerIds: [`a${i}`, `b${i}`, `c${i}`] }));
    expect(productListMessage({ ...base, sections: ten }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['11 sections', { sections: Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, productRetailerIds: ['x'] })) }, 'sections'],
    [
      '31 products',
      {
        sections: [
          { title: 'A', productRetailerIds: Array.from({ length: 16 }, (_, i) => `a${i}`) },
          { title: 'B', productRetailerIds: Array.from({ length: 15 }, (_, i) => `b${i}`) },
        ],
      },
      'sections',
    ],
    ['an untitled section among two', { sections: [{ title: 'A', productRetailerIds: ['a'] }, { productRetailerIds: ['b'] }] }, 'sections.1.title'],
    ['an empty section', { sections: [{ title: 'A', productRetailerIds: [] }] }, 'sections.0.productRetailerIds'],
    ['no sections', { sections: [] }, 'sections'],
    ['no header', { header: undefined, sections: [{ productRetailerIds: ['a'] }] }, 'header'],
    ['a section title over 24', { sections: [{ title: 't'.repeat(25), productRetailerIds: ['a'] }] }, 'sections.0.title'],
  ])('refuses %s', (_n, patch, path) => {
    expect(refusalPath(productListMessage({ ...base, sections: [], ...patch } as never))).toBe(path);
  });
});

describe('flowMessage', () => {
  it('builds a navigate flow (whatsapp.md §4 shape)', () => {
    const r = flowMessage({
      to,
      header: 'Book',
      body: 'Pick a slot',
      footer: 'chatcart',
      flowId: '1234567890',
      flowToken: 'ftk_abc',
      flowCta: 'Book now',
      mode: 'draft',
      screen: 'FIRST_SCREEN',
      data: { k: 'v' },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'flow',
          header: { type: 'text', text: 'Book' },
          body: { text: 'Pick a slot' },
          footer: { text: 'chatcart' },
          action: {
            name: 'flow',
            parameters: {
              flow_message_version: '3',
              flow_token: 'ftk_abc',
              flow_id: '1234567890',
              flow_cta: 'Book now',
              mode: 'draft',
              flow_action: 'navigate',
              flow_action_payload: { screen: 'FIRST_SCREEN', data: { k: 'v' } },
            },
          },
        },
      },
    });
  });

  it('takes a CTA of up to 30 characters (Meta’s Flows guide)', () => {
    const r = flowMessage({ to, body: 'b', flowId: '1', flowToken: 't', flowCta: 'c'.repeat(30), screen: 'S' });
    expect(r.ok && (r.value.interactive as any).action.parameters.flow_cta).toBe('c'.repeat(30));
  });

  it('builds a data_exchange flow by name, without a payload', () => {
    const r = flowMessage({ to, body: 'Checkout', flowName: 'checkout', flowToken: 'ftk_1', flowCta: 'Start', flowAction: 'data_exchange' });
    expect(r.ok && r.value.interactive).toEqual({
      type: 'flow',
      body: { text: 'Checkout' },
      action: {
        name: 'flow',
        parameters: { flow_message_version: '3', flow_token: 'ftk_1', flow_name: 'checkout', flow_cta: 'Start', flow_action: 'data_exchange' },
      },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['both flowId and flowName', { flowName: 'x' }, 'flowId'],
    ['neither flowId nor flowName', { flowId: undefined }, 'flowId'],
    ['a CTA over 30', { flowCta: 'c'.repeat(31) }, 'flowCta'],
    ['an emoji CTA', { flowCta: 'Buy 🛒' }, 'flowCta'],
    ['navigate without a screen', { screen: undefined }, 'screen'],
    ['empty data', { data: {} }, 'data'],
    ['a payload with data_exchange', { flowAction: 'data_exchange' }, 'screen'],
    ['an unknown mode', { mode: 'live' }, 'mode'],
    ['an empty token', { flowToken: '' }, 'flowToken'],
    ['no body', { body: undefined }, 'body'],
  ])('refuses %s', (_n, patch, path) => {
    expect(refusalPath(flowMessage({ to, body: 'b', flowId: '1', flowToken: 't', flowCta: 'Go', screen: 'S', ...patch } as never))).toBe(path);
  });
});

describe('markReadBody', () => {
  it('builds the read receipt, with the typing indicator on request', () => {
    expect(markReadBody('wamid.HBgL')).toEqual({ ok: true, value: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.HBgL' } });
    expect(markReadBody('wamid.HBgL', { typingIndicator: true })).toEqual({
      ok: true,
      value: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.HBgL', typing_indicator: { type: 'text' } },
    });
  });

  it('refuses an empty id', () => {
    expect(refusalPath(markReadBody(''))).toBe('messageId');
  });
});

describe('replyButtonsMessage', () => {
  const buttons = [
    { id: 'cod:confirm:R1', title: 'Confirm order' },
    { id: 'cod:cancel:R1', title: 'Cancel order' },
  ];
  it('builds reply buttons', () => {
    expect(replyButtonsMessage({ to, body: 'Pay on delivery?', footer: 'Reference #R1', buttons })).toEqual({
      ok: true,
      value: {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pay on delivery?' },
          footer: { text: 'Reference #R1' },
          action: { buttons: buttons.map((b) => ({ type: 'reply', reply: b })) },
        },
      },
    });
  });

  it('refuses what Meta refuses: no buttons or more than 3, long or repeated titles, padded ids, no body', () => {
    expect(refusalPath(replyButtonsMessage({ to, body: 'x', buttons: [] }))).toBe('buttons');
    expect(refusalPath(replyButtonsMessage({ to, body: 'x', buttons: [...buttons, ...buttons] }))).toBe('buttons');
    expect(refusalPath(replyButtonsMessage({ to, body: 'x', buttons: [{ id: 'a', title: 'x'.repeat(21) }] }))).toBe('buttons[0].title');
    expect(
      refusalPath(
        replyButtonsMessage({
          to,
          body: 'x',
          buttons: [
            { id: 'a', title: 'Same' },
            { id: 'b', title: 'Same' },
          ],
        }),
      ),
    ).toBe('buttons');
    expect(refusalPath(replyButtonsMessage({ to, body: 'x', buttons: [{ id: ' a', title: 'A' }] }))).toBe('buttons[0].id');
    expect(refusalPath(replyButtonsMessage({ to, body: '', buttons }))).toBe('body');
  });
});
