// Parsers for inbound message objects (value.messages[]) of the types a commerce backend
// acts on (whatsapp.md §2). Tolerant: an unknown type, or a known type whose payload is not
// the shape we expect, becomes { type: 'other' } with the raw object kept by the caller.
import { z } from 'zod';
import { parseDecimal } from '../../domain/money.ts';

export interface WebhookError {
  code: number;
  title?: string;
  message?: string;
  details?: string;
  href?: string;
}

export interface MessageContext {
  from?: string;
  id?: string;
  forwarded?: boolean;
  frequentlyForwarded?: boolean;
  referredProduct?: { catalogId: string; productRetailerId: string };
}

export interface InboundOrderItem {
  productRetailerId: string;
  quantity: number | null;
  currency: string;
  /** Unit price in minor units, or null when it cannot be represented exactly. Never trust it for charging. */
  itemPrice: number | null;
}

interface InboundBase {
  id: string;
  from?: string;
  /** The sender's business-scoped user id (BSUID), present since 2026 even when `from` (the phone) is not. */
  fromUserId?: string;
  timestamp: string;
  context?: MessageContext;
}

export type InboundMessage = InboundBase &
  (
    | { type: 'text'; text: string }
    | { type: 'order'; order: { catalogId?: string; text?: string; items: InboundOrderItem[] } }
    | { type: 'button_reply'; reply: { id: string; title: string } }
    | { type: 'list_reply'; reply: { id: string; title: string; description?: string } }
    | { type: 'nfm_reply'; nfm: { name?: string; body?: string; responseJson: Record<string, unknown> | null; flowToken?: string } }
    | { type: 'button'; button: { text: string; payload?: string } }
    | { type: 'unsupported'; errors: WebhookError[] }
    | { type: 'system'; system: { type?: string; body?: string; waId?: string; userId?: string } }
    | { type: 'other'; originalType: string }
  );

const str = z.string();
const intLike = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const errorSchema = z.looseObject({
  code: z.coerce.number().int(),
  title: str.optional(),
  message: str.optional(),
  error_data: z.looseObject({ details: str.optional() }).optional(),
  href: str.optional(),
});

export function parseWebhookErrors(v: unknown): WebhookError[] {
  if (!Array.isArray(v)) return [];
  const out: WebhookError[] = [];
  for (const e of v) {
    const p = errorSchema.safeParse(e);
    if (!p.success) continue;
    const w: WebhookError = { code: p.data.code };
    if (p.data.title !== undefined) w.title = p.data.title;
    if (p.data.message !== undefined) w.message = p.data.message;
    if (p.data.error_data?.details !== undefined) w.details = p.data.error_data.details;
    if (p.data.href !== undefined) w.href = p.data.href;
    out.push(w);
  }
  return out;
}

export const messageHead = z.looseObject({
  id: str.min(1),
  from: str.optional(),
  from_user_id: str.optional(),
  timestamp: z.union([str, z.number()]).transform(String),
  type: str,
  context: z
    .looseObject({
      from: str.optional(),
      id: str.optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
      referred_product: z.looseObject({ catalog_id: str, product_retailer_id: str }).optional(),
    })
    .optional(),
});

const textBody = z.looseObject({ text: z.looseObject({ body: str }) });
const orderBody = z.looseObject({
  order: z.looseObject({
    catalog_id: str.optional(),
    text: str.optional(),
    product_items: z.array(
      z.looseObject({
        product_retailer_id: str,
        quantity: z.unknown(),
        item_price: z.unknown(),
        currency: str,
      }),
    ),
  }),
});
const reply = z.looseObject({ id: str, title: str, description: str.optional() });
const interactiveBody = z.looseObject({
  interactive: z.looseObject({
    type: str,
    button_reply: reply.optional(),
    list_reply: reply.optional(),
    nfm_reply: z.looseObject({ name: str.optional(), body: str.optional(), response_json: str }).optional(),
  }),
});
const buttonBody = z.looseObject({ button: z.looseObject({ text: str, payload: str.optional() }) });
const systemBody = z.looseObject({
  system: z.looseObject({ type: str.optional(), body: str.optional(), wa_id: str.optional(), user_id: str.optional(), new_wa_id: str.optional() }),
});

// item_price is a major-unit decimal *number* (30 = 30.00). Going through its shortest
// decimal string and parseDecimal keeps floats out of the money path; a value with more
// precision than the currency allows (or in exponent form) is refused, not rounded.
function priceToMinor(v: unknown, currency: string): number | null {
  if (typeof v !== 'number' && typeof v !== 'string') return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  const r = parseDecimal(String(v), currency);
  return r.ok ? r.value : null;
}

function contextOf(h: z.infer<typeof messageHead>): MessageContext | undefined {
  const c = h.context;
  if (c === undefined) return undefined;
  const out: MessageContext = {};
  if (c.from !== undefined) out.from = c.from;
  if (c.id !== undefined) out.id = c.id;
  if (c.forwarded !== undefined) out.forwarded = c.forwarded;
  if (c.frequently_forwarded !== undefined) out.frequentlyForwarded = c.frequently_forwarded;
  if (c.referred_product !== undefined) {
    out.referredProduct = { catalogId: c.referred_product.catalog_id, productRetailerId: c.referred_product.product_retailer_id };
  }
  return out;
}

function parseJsonObject(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

type Payload = InboundMessage extends infer M ? (M extends InboundBase ? Omit<M, keyof InboundBase> : never) : never;

function payloadOf(type: string, raw: unknown): Payload {
  const other: Payload = { type: 'other', originalType: type };
  switch (type) {
    case 'text': {
      const p = textBody.safeParse(raw);
      return p.success ? { type: 'text', text: p.data.text.body } : other;
    }
    case 'order': {
      const p = orderBody.safeParse(raw);
      if (!p.success) return other;
      const o = p.data.order;
      const items = o.product_items.map((i) => {
        const q = intLike.safeParse(i.quantity);
        return {
          productRetailerId: i.product_retailer_id,
          quantity: q.success && q.data > 0 ? q.data : null,
          currency: i.currency,
          itemPrice: priceToMinor(i.item_price, i.currency),
        };
      });
      const order: { catalogId?: string; text?: string; items: InboundOrderItem[] } = { items };
      if (o.catalog_id !== undefined) order.catalogId = o.catalog_id;
      if (o.text !== undefined && o.text !== '') order.text = o.text;
      return { type: 'order', order };
    }
    case 'interactive': {
      const p = interactiveBody.safeParse(raw);
      if (!p.success) return other;
      const i = p.data.interactive;
      if (i.type === 'button_reply' && i.button_reply) return { type: 'button_reply', reply: { id: i.button_reply.id, title: i.button_reply.title } };
      if (i.type === 'list_reply' && i.list_reply) {
        const r: { id: string; title: string; description?: string } = { id: i.list_reply.id, title: i.list_reply.title };
        if (i.list_reply.description !== undefined) r.description = i.list_reply.description;
        return { type: 'list_reply', reply: r };
      }
      if (i.type === 'nfm_reply' && i.nfm_reply) {
        const json = parseJsonObject(i.nfm_reply.response_json);
        const nfm: { name?: string; body?: string; responseJson: Record<string, unknown> | null; flowToken?: string } = { responseJson: json };
        if (i.nfm_reply.name !== undefined) nfm.name = i.nfm_reply.name;
        if (i.nfm_reply.body !== undefined) nfm.body = i.nfm_reply.body;
        if (typeof json?.flow_token === 'string') nfm.flowToken = json.flow_token;
        return { type: 'nfm_reply', nfm };
      }
      return { type: 'other', originalType: `interactive:${i.type}` };
    }
    case 'button': {
      const p = buttonBody.safeParse(raw);
      if (!p.success) return other;
      const b: { text: string; payload?: string } = { text: p.data.button.text };
      if (p.data.button.payload !== undefined) b.payload = p.data.button.payload;
      return { type: 'button', button: b };
    }
    case 'system': {
      // user_changed_number names the new phone (wa_id; new_wa_id in older payloads); user_changed_user_id the new BSUID (user_id).
      const p = systemBody.safeParse(raw);
      if (!p.success) return other;
      const s = p.data.system;
      const system: { type?: string; body?: string; waId?: string; userId?: string } = {};
      if (s.type !== undefined) system.type = s.type;
      if (s.body !== undefined) system.body = s.body;
      const wa = s.wa_id ?? s.new_wa_id;
      if (wa !== undefined) system.waId = wa;
      if (s.user_id !== undefined) system.userId = s.user_id;
      return { type: 'system', system };
    }
    case 'unsupported':
    case 'unknown': // the old on-premises spelling
      return { type: 'unsupported', errors: parseWebhookErrors((raw as { errors?: unknown }).errors) };
    default:
      return other;
  }
}

/** Parses one value.messages[] entry; undefined when it lacks even an id, timestamp and type. */
export function parseInboundMessage(raw: unknown): InboundMessage | undefined {
  const h = messageHead.safeParse(raw);
  if (!h.success) return undefined;
  const base: InboundBase = { id: h.data.id, timestamp: h.data.timestamp };
  if (h.data.from !== undefined) base.from = h.data.from;
  if (h.data.from_user_id !== undefined) base.fromUserId = h.data.from_user_id;
  const ctx = contextOf(h.data);
  if (ctx !== undefined) base.context = ctx;
  return { ...base, ...payloadOf(h.data.type, raw) } as InboundMessage;
}
