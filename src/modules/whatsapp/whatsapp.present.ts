// WhatsApp messages and settings as the API shows them, with the zod schemas their routes
// answer with (and /openapi.json shows).
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { formatMoney } from '../../domain/display.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import { businessPresentation, getMerchant } from '../merchants/index.ts';
import type { MessageRow } from './whatsapp-messages.repository.ts';
import { listInboundMedia, type InboundMediaRow } from './inbound-media.repository.ts';
import { isMediaType } from '../../domain/media.ts';
import type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';

export const messageProductSchema = z.object({
  retailer_id: z.string(),
  product_id: z.string().nullable().describe('prd_…'),
  name: z.string().nullable(),
  price: z.number().int().nullable().describe('Minor units of `currency`'),
  currency: z.string().nullable(),
  price_formatted: z.string().nullable().describe("The price as the business's customers read it, e.g. ₹1,234.00"),
});
export type MessageProduct = z.infer<typeof messageProductSchema>;

/** The retailer_ids a message shows (outbound product messages) or asks about (an inbound product enquiry). */
export function productRefsOf(m: MessageRow): string[] {
  if (m.redacted_at) return [];
  if (m.direction === 'in') {
    const r = (m.payload['context'] as { referred_product?: { product_retailer_id?: unknown } } | undefined)?.referred_product?.product_retailer_id;
    return typeof r === 'string' ? [r] : [];
  }
  const i = (m.payload['body'] as { interactive?: { type?: string; action?: Record<string, any> } } | undefined)?.interactive;
  const a = i?.action;
  if (!a) return [];
  if (i.type === 'product' && typeof a['product_retailer_id'] === 'string') return [a['product_retailer_id']];
  if (i.type === 'product_list' && Array.isArray(a['sections']))
    return a['sections']
      .flatMap((sec: any) => (Array.isArray(sec?.product_items) ? sec.product_items.map((p: any) => p?.product_retailer_id) : []))
      .filter((x: unknown): x is string => typeof x === 'string');
  if (i.type === 'catalog_message' && typeof a['parameters']?.thumbnail_product_retailer_id === 'string')
    return [a['parameters'].thumbnail_product_retailer_id];
  return [];
}

/** The products of these messages from our catalog, keyed by retailer_id (one query for a page). */
export async function messageProducts(q: Queryable, merchantId: string, rows: MessageRow[]): Promise<Map<string, MessageProduct>> {
  const ids = [...new Set(rows.flatMap(productRefsOf))];
  if (ids.length === 0) return new Map();
  const { locale } = await businessPresentation(q, merchantId);
  const out = new Map<string, MessageProduct>();
  for (const p of await getProductsByRetailerIds(q, merchantId, ids)) {
    out.set(p.retailer_id, {
      retailer_id: p.retailer_id,
      product_id: p.id,
      name: p.name,
      price: p.price,
      currency: p.currency,
      price_formatted: formatMoney(p.price, p.currency, locale),
    });
  }
  return out;
}

/** Presents a page of messages with their products and media (two queries for a page). */
export async function presentMessages(q: Queryable, merchantId: string, rows: MessageRow[]): Promise<(m: MessageRow) => z.infer<typeof messageSchema>> {
  const products = await messageProducts(q, merchantId, rows);
  const withMedia = rows.filter((m) => m.direction === 'in' && isMediaType(m.type)).map((m) => m.id);
  const media = new Map((await listInboundMedia(q, merchantId, withMedia)).map((r) => [r.message_id, r]));
  return (m) => presentMessage(m, products, media);
}

export const messageMediaSchema = z
  .object({
    status: z
      .enum(['pending', 'stored', 'failed', 'too_large'])
      .describe(
        "pending: being fetched from WhatsApp; stored: at `url`; failed: could not be fetched or did not match WhatsApp's sha256 (never stored); too_large: over the size cap, not fetched",
      ),
    kind: z.enum(['image', 'document', 'audio', 'video', 'sticker']),
    mime_type: z.string().nullable().describe('Images: from the bytes (PNG, JPEG, WebP); other files: as WhatsApp declared it'),
    size: z.number().int().nullable().describe('Bytes'),
    caption: z.string().nullable(),
    note: z.string().nullable().describe('Why it failed or was not fetched'),
    url: z.string().nullable().describe('GET it with your credentials (role conversations) when stored: /v1/messages/{id}/media'),
  })
  .meta({ id: 'MessageMedia', description: 'Media a customer sent' });

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function mediaOf(m: MessageRow, media: Map<string, InboundMediaRow>): z.infer<typeof messageMediaSchema> | null {
  const r = media.get(m.id);
  if (!r || m.redacted_at) return null;
  const o = (m.payload[r.kind] ?? {}) as Record<string, unknown>;
  return {
    status: r.status,
    kind: r.kind,
    mime_type: r.mime_type ?? r.declared_mime,
    size: r.size,
    caption: str(o['caption']),
    note: r.note,
    url: r.status === 'stored' ? `/v1/messages/${m.id}/media` : null,
  };
}

function locationOf(m: MessageRow) {
  if (m.direction !== 'in' || m.type !== 'location' || m.redacted_at) return null;
  const l = (m.payload['location'] ?? {}) as Record<string, unknown>;
  const latitude = num(l['latitude']);
  const longitude = num(l['longitude']);
  if (latitude === null || longitude === null) return null;
  return { latitude, longitude, name: str(l['name']), address: str(l['address']), url: str(l['url']) };
}

function contactsOf(m: MessageRow) {
  if (m.direction !== 'in' || m.type !== 'contacts' || m.redacted_at || !Array.isArray(m.payload['contacts'])) return null;
  return (m.payload['contacts'] as unknown[]).slice(0, 50).map((c) => {
    const o = (c && typeof c === 'object' ? c : {}) as Record<string, any>;
    const phones = Array.isArray(o['phones']) ? (o['phones'] as any[]) : [];
    return {
      name: str(o['name']?.['formatted_name']),
      phones: phones.map((p) => ({ phone: str(p?.['phone']), wa_id: str(p?.['wa_id']), type: str(p?.['type']) })).slice(0, 20),
    };
  });
}

export const messageSchema = z
  .object({
    id: z.string().describe('msg_…'),
    object: z.literal('message'),
    customer_id: z.string().nullable().describe('cus_…: who wrote or was written to'),
    conversation_id: z.string().nullable().describe('cnv_…'),
    wa_id: z.string().nullable().describe("The customer's phone when the message was stored (null for a customer known by BSUID only)"),
    direction: z.enum(['inbound', 'outbound']),
    wamid: z.string().nullable().describe("WhatsApp's message id"),
    type: z.string().describe('text, interactive, order, template, …'),
    status: z.enum(['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'received', 'skipped']),
    error: z
      .object({ code: z.union([z.number(), z.string()]), title: z.string(), message: z.string().optional(), details: z.string().optional() })
      .nullable()
      .describe("Meta's error, when sending failed"),
    purpose: z.string().nullable().describe('Why we sent it: a bill, an order update, …'),
    sent_by: z.string().nullable().describe('usr_… or key_… for a message a person or the API wrote (POST /v1/messages)'),
    content: z.unknown().describe('Inbound: the message as WhatsApp sent it; outbound: what we sent; null once redacted'),
    redacted: z.boolean().describe('The content is gone: past the conversation retention period'),
    order_id: z.string().nullable(),
    payment_id: z.string().nullable(),
    media: messageMediaSchema.nullable().describe('An image, document, audio, video or sticker the customer sent'),
    location: z
      .object({ latitude: z.number(), longitude: z.number(), name: z.string().nullable(), address: z.string().nullable(), url: z.string().nullable() })
      .nullable()
      .describe('A location the customer shared (type location)'),
    contacts: z
      .array(
        z.object({
          name: z.string().nullable(),
          phones: z.array(z.object({ phone: z.string().nullable(), wa_id: z.string().nullable(), type: z.string().nullable() })),
        }),
      )
      .nullable()
      .describe('Contact cards the customer shared (type contacts)'),
    products: z
      .array(messageProductSchema)
      .describe(
        'The catalog products the message is about: those a product, product list or catalog message showed, or the one a customer asked about (context.referred_product). From our catalog, the price of record; product_id null when we have no such product',
      ),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Message', description: 'A WhatsApp message, either direction' });

export const messageListSchema = listOf(messageSchema);

export const whatsappSettingsSchema = z
  .object({
    object: z.literal('whatsapp_settings'),
    phone_number_id: z.string().nullable(),
    display_phone_number: z.string().nullable(),
    waba_id: z.string().nullable(),
    catalog_id: z.string().nullable(),
    access_token_set: z.boolean().describe('The access token is write-only: whether one is set'),
    token_status: z.enum(['ok', 'invalid']).nullable(),
    payment_configurations: z.array(
      z.object({ name: z.string(), provider: z.string().optional(), type: z.string().optional(), status: z.string().optional() }).loose(),
    ),
    templates: z.record(z.string(), z.unknown()),
    opt_out_words: z.array(z.string()),
    throughput_per_second: z.number().int(),
    default_payment: z.object({ method: z.string(), provider: z.string() }).nullable(),
    sandbox: z.boolean(),
    sandbox_access_token: z.string().nullable().optional().describe('Sandbox numbers only: the Bearer token the sandbox Graph API accepts (not a real secret)'),
  })
  .meta({ id: 'WhatsAppSettings', description: "The merchant's WhatsApp number and settings" });

export const presentMessage = (
  m: MessageRow,
  products: Map<string, MessageProduct> = new Map(),
  media: Map<string, InboundMediaRow> = new Map(),
): z.infer<typeof messageSchema> => ({
  id: m.id,
  object: 'message',
  customer_id: m.customer_id,
  conversation_id: m.conversation_id ?? null,
  wa_id: m.wa_id,
  direction: m.direction === 'in' ? 'inbound' : 'outbound',
  wamid: m.wamid,
  type: m.type,
  status: m.status,
  error: m.error,
  purpose: (m.payload['purpose'] as string | undefined) ?? null,
  sent_by: (m.payload['sent_by'] as string | undefined) ?? null,
  // After the retention period the content is gone: say so instead of showing a stub payload.
  content: m.redacted_at ? null : m.direction === 'in' ? m.payload : (m.payload['body'] ?? null),
  redacted: Boolean(m.redacted_at),
  order_id: m.order_id,
  payment_id: m.payment_id,
  media: mediaOf(m, media),
  location: locationOf(m),
  contacts: contactsOf(m),
  products: [...new Set(productRefsOf(m))].map(
    (r) => products.get(r) ?? { retailer_id: r, product_id: null, name: null, price: null, currency: null, price_formatted: null },
  ),
  created_at: iso(m.created_at)!,
  updated_at: iso(m.updated_at)!,
});

export async function presentWhatsAppSettings(
  ctx: AppContext,
  q: Queryable,
  merchantId: string,
  n: WhatsAppNumberRow | undefined,
): Promise<z.infer<typeof whatsappSettingsSchema>> {
  const m = await getMerchant(q, merchantId);
  return {
    object: 'whatsapp_settings',
    phone_number_id: n?.phone_number_id ?? null,
    display_phone_number: n?.display_phone_number ?? null,
    waba_id: n?.waba_id ?? null,
    catalog_id: n?.catalog_id ?? null,
    access_token_set: !!n?.access_token,
    token_status: n?.token_status ?? null,
    payment_configurations: n?.payment_configurations ?? [],
    templates: n?.templates ?? {},
    opt_out_words: n?.opt_out_words ?? [],
    throughput_per_second: n?.throughput_per_second ?? 80,
    default_payment: (m?.settings['default_payment'] as z.infer<typeof whatsappSettingsSchema>['default_payment'] | undefined) ?? null,
    sandbox: n?.sandbox ?? ctx.mode === 'sandbox',
    ...(n?.sandbox ? { sandbox_access_token: n.sandbox_access_token } : {}),
  };
}
