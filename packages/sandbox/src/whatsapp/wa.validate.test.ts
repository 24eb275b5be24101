import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pairTokens } from './wa.limits.ts';
import { planStatuses } from './wa.statuses.ts';
import { NO_CHAOS, newWamid, normalizeWaId } from './wa.types.ts';
import { checkOrderParameters, transitionError } from './wa.validate-order.ts';
import { validateRequest } from './wa.validate.ts';
import { envelopeOf, serializeWebhook, signWebhook } from './wa.webhooks.ts';

const now = new Date('2026-03-01T10:00:00Z');
const number = { catalog_id: '9001', payment_configurations: [], templates: {}, display_phone_number: '15550001111' };
const ctx = { now, number };
const nowS = Math.floor(now.getTime() / 1000);

const params = (over: Record<string, any> = {}, order: Record<string, any> = {}) => ({
  reference_id: 'REF-1',
  type: 'digital-goods',
  payment_settings: [{ type: 'payment_gateway', payment_gateway: { type: 'razorpay', configuration_name: 'cfg' } }],
  currency: 'INR',
  total_amount: { value: 1100, offset: 100 },
  order: {
    status: 'pending',
    catalog_id: '9001',
    expiration: { timestamp: String(nowS + 600), description: 'soon' },
    items: [{ retailer_id: 'sku', name: 'bread', amount: { value: 1500, offset: 100 }, sale_amount: { value: 1000, offset: 100 }, quantity: 1 }],
    subtotal: { value: 1000, offset: 100 },
    tax: { value: 100, offset: 100 },
    shipping: { value: 100, offset: 100 },
    discount: { value: 100, offset: 100 },
    ...order,
  },
  ...over,
});
const codeOf = (r: { ok: boolean; error?: { code: number } }) => (r.ok ? 'ok' : r.error!.code);

describe('ids and normalisation', () => {
  it('normalises `to` to digits like Meta, refusing what is not a phone number', () => {
    expect(normalizeWaId('+1-631-555-5555')).toBe('16315555555');
    expect(normalizeWaId('+91 98765 43210')).toBe('919876543210');
    expect(normalizeWaId('abc')).toBeNull();
    expect(normalizeWaId('+0123456789')).toBeNull();
    expect(normalizeWaId('12345')).toBeNull();
  });

  it('mints wamids as wamid. + base64 of a record holding the customer number', () => {
    const id = newWamid('919876543210', 'outbound');
    expect(id).toMatch(/^wamid\.[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(id.slice(6), 'base64').toString('latin1')).toContain('919876543210');
    expect(newWamid('919876543210', 'outbound')).not.toBe(id);
  });
});

describe('webhook bytes', () => {
  it('escapes non-ASCII and slashes, stays the same JSON, and signs the exact bytes', () => {
    const body = { text: 'chai ☕ très https://x.example/a', emoji: '😀' };
    const raw = serializeWebhook(body);
    expect(raw).toBe('{"text":"chai \\u2615 tr\\u00e8s https:\\/\\/x.example\\/a","emoji":"\\ud83d\\ude00"}');
    expect(JSON.parse(raw)).toEqual(body);
    expect(signWebhook('s3cret', raw)).toBe(`sha256=${crypto.createHmac('sha256', 's3cret').update(raw).digest('hex')}`);
  });

  it('puts one change per event, splitting a batch over two entries', () => {
    const ev = (id: string) => ({ id, phone_number_id: '1', value: { id }, inbound_wamid: null, batch_key: null, field: 'messages', created_at: now });
    const n = { phone_number_id: '1', display_phone_number: '1555', waba_id: 'W', merchant_id: 'm' };
    expect(envelopeOf(n, [ev('a')])).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ id: 'W', changes: [{ value: { id: 'a' }, field: 'messages' }] }],
    });
    const three = envelopeOf(n, [ev('a'), ev('b'), ev('c')]) as any;
    expect(three.entry.map((e: any) => e.changes.length)).toEqual([2, 1]);
  });
});

describe('order_details', () => {
  it('accepts Meta’s own example arithmetic (1000 + 100 + 100 − 100 = 1100)', () => {
    const r = checkOrderParameters(params(), ctx);
    expect(r).toMatchObject({
      ok: true,
      value: { referenceId: 'REF-1', paymentMode: 'payment_gateway', gateway: 'razorpay', configurationName: 'cfg', total: { value: 1100, offset: 100 } },
    });
  });

  it.each([
    [
      'a sale_amount not below amount',
      params({}, { items: [{ name: 'b', amount: { value: 1000, offset: 100 }, sale_amount: { value: 1000, offset: 100 }, quantity: 1 }] }),
      131009,
    ],
    ['a zero quantity', params({}, { items: [{ name: 'b', amount: { value: 1000, offset: 100 }, quantity: 0 }] }), 131009],
    ['mixed offsets', params({}, { tax: { value: 10, offset: 10 } }), 131009],
    ['a missing tax', params({}, { tax: undefined }), 131008],
    ['no items', params({}, { items: [] }), 131009],
    ['a missing reference', params({ reference_id: undefined }), 131008],
    ['expiry 299 s ahead', params({}, { expiration: { timestamp: nowS + 299 } }), 131009],
    ['a catalog that is not the number’s', params({}, { catalog_id: '42' }), 131009],
    ['an unknown gateway', params({ payment_settings: [{ type: 'payment_gateway', payment_gateway: { type: 'paypal', configuration_name: 'c' } }] }), 131009],
  ])('refuses %s', (_label, p, code) => {
    expect(codeOf(checkOrderParameters(p, ctx))).toBe(code);
  });

  it('allows 60-character references in Brazil, 35 in India', () => {
    const br = { payment_settings: [{ type: 'payment_link', payment_link: { uri: 'https://x' } }], currency: 'BRL', reference_id: 'B'.repeat(60) };
    expect(
      codeOf(
        checkOrderParameters(
          params(br, { items: [{ retailer_id: 's', name: 'b', amount: { value: 1000, offset: 100 }, quantity: 1 }], expiration: undefined }),
          ctx,
        ),
      ),
    ).toBe('ok');
    expect(codeOf(checkOrderParameters(params({ reference_id: 'B'.repeat(36) }), ctx))).toBe(131009);
  });

  it('checks the payment configuration against the number’s list when it has one', () => {
    const withConfigs = { ...ctx, number: { ...number, payment_configurations: [{ name: 'other' }] } };
    expect(codeOf(checkOrderParameters(params(), withConfigs))).toBe(131009);
  });
});

describe('order_status transitions', () => {
  it.each([
    ['pending', 'processing', false, null],
    ['pending', 'canceled', false, null],
    ['pending', 'canceled', true, 2047],
    ['processing', 'pending', false, 2046],
    ['processing', 'partially-shipped', false, null],
    ['shipped', 'processing', false, null],
    ['shipped', 'completed', true, null],
    ['completed', 'canceled', false, 2046],
    ['canceled', 'processing', false, 2046],
  ] as const)('%s → %s (payment in flight: %s) = %s', (from, to, paid, expected) => {
    expect(transitionError(from, to, paid)).toBe(expected);
  });
});

describe('the request envelope', () => {
  it('defaults type to text and reads mark-as-read bodies', () => {
    expect(validateRequest({ messaging_product: 'whatsapp', to: '919876543210', text: { body: 'hi' } }, ctx)).toMatchObject({
      ok: true,
      value: { kind: 'send', type: 'text', freeForm: true, waId: '919876543210' },
    });
    expect(validateRequest({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'read', messageId: 'wamid.X' },
    });
    expect(codeOf(validateRequest({ messaging_product: 'whatsapp', status: 'deleted', message_id: 'wamid.X' }, ctx))).toBe(100);
  });

  it('takes a flow_cta of up to 30 characters, as Meta’s Flows guide says', () => {
    const flow = (cta: string) =>
      validateRequest(
        {
          messaging_product: 'whatsapp',
          to: '919876543210',
          type: 'interactive',
          interactive: {
            type: 'flow',
            body: { text: 'Book a table' },
            action: { name: 'flow', parameters: { flow_message_version: '3', flow_id: '1', flow_cta: cta, flow_action: 'data_exchange' } },
          },
        },
        ctx,
      );
    expect(codeOf(flow('c'.repeat(30)))).toBe('ok');
    const over = flow('c'.repeat(31));
    expect(codeOf(over)).toBe(131009);
    expect(JSON.stringify(over)).toContain('at most 30 characters');
  });

  it('knows which templates exist, in which languages, with how many parameters', () => {
    const t = (template: unknown) => codeOf(validateRequest({ messaging_product: 'whatsapp', to: '919876543210', type: 'template', template }, ctx));
    expect(t({ name: 'hello_world', language: { code: 'en_US' } })).toBe('ok');
    expect(t({ name: 'hello_world', language: { code: 'pt_BR' } })).toBe(132001);
    expect(t({ name: 'hello_world' })).toBe(131008);
    expect(t({ name: 'payment_link', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }] }] })).toBe(132000);
  });

  it("checks the bill reminder's body parameters and its URL button's dynamic suffix", () => {
    const t = (template: unknown) => codeOf(validateRequest({ messaging_product: 'whatsapp', to: '919876543210', type: 'template', template }, ctx));
    const body = {
      type: 'body',
      parameters: [
        { type: 'text', text: 'CC-1' },
        { type: 'currency', currency: { fallback_value: '₹1', code: 'INR', amount_1000: 1000 } },
      ],
    };
    const button = (p: unknown) => ({ type: 'button', sub_type: 'url', index: 0, parameters: [p] });
    const reminder = (code: string, components: unknown[]) => t({ name: 'bill_reminder', language: { code }, components });
    expect(reminder('pt_BR', [body, button({ type: 'text', text: 'tok123' })])).toBe('ok');
    expect(reminder('en', [body, button({ type: 'text', text: 'tok123' })])).toBe('ok');
    expect(reminder('fr', [body, button({ type: 'text', text: 'tok123' })])).toBe(132001);
    expect(reminder('en', [body])).toBe(132000);
    expect(reminder('en', [body, button({ type: 'text', text: '' })])).toBe(131009);
    expect(reminder('en', [body, button({ type: 'payload', payload: 'x' })])).toBe(131009);
  });
});

describe('plans and buckets', () => {
  it('plans sent, delivered, read; failures alone; chaos drops or folds steps', () => {
    expect(planStatuses(null, NO_CHAOS).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(planStatuses(131047, NO_CHAOS).map((s) => [s.status, s.code])).toEqual([['failed', 131047]]);
    expect(planStatuses(131026, NO_CHAOS).map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(planStatuses(131049, NO_CHAOS).map((s) => [s.status, s.code])).toEqual([['failed', 131049]]);
    expect(planStatuses(null, { ...NO_CHAOS, drop_read: 1 }).map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect(planStatuses(null, { ...NO_CHAOS, skip_delivered: 1 }).map((s) => s.status)).toEqual(['sent', 'read']);
  });

  it('refills the pair bucket at one message per 6 s, up to 10', () => {
    expect(pairTokens(undefined, now)).toBe(10);
    expect(pairTokens({ pair_tokens: 0, pair_refilled_at: now }, new Date(now.getTime() + 3_000))).toBe(0.5);
    expect(pairTokens({ pair_tokens: 9, pair_refilled_at: now }, new Date(now.getTime() + 600_000))).toBe(10);
  });
});
