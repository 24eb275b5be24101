// The simulated customer: sends messages to a sandbox number (Cloud API inbound shapes,
// checked lightly), which opens the 24-hour window and reaches our webhook signed,
// like a real customer's; and reads what the business sent (blue ticks, `read` statuses).
import { currencyExponent } from '../../../../src/domain/money.ts';
import { first, intLike, invalid, isObj, missing, object, text, type Obj } from './wa.check.ts';
import { bad, fail, okv, unknownObject, type Checked, type GraphFailure } from './wa.errors.ts';
import { applyStatus } from './wa.statuses.ts';
import { getCustomer, getMessage, insertMessage, listUnread, touchCustomerInbound } from './wa.repository.ts';
import { listCatalog } from './wa.catalog-list.ts';
import { identityOf, isBsuidAddress, newWamid, unixSeconds } from './wa.types.ts';
import { changeValue, emitChange } from './wa.webhooks.ts';
import { MEDIA_TYPES, mediaPayload } from './wa.media.ts';
import { type SandboxContext, inTransaction, type SandboxNumber } from '../host.ts';

export const INBOUND_TYPES = ['text', 'interactive', 'button', 'order', 'location', 'contacts', 'reaction', ...MEDIA_TYPES];
const WA_ID = /^[1-9]\d{6,14}$/;

/** The number the customer writes to, or Graph's "no such object". */
export async function numberFor(ctx: SandboxContext, phoneNumberId: unknown, method = 'post'): Promise<Checked<SandboxNumber>> {
  if (typeof phoneNumberId !== 'string' || phoneNumberId === '') return { ok: false, error: fail(100, 'The parameter phone_number_id is required.') };
  const n = await ctx.business.number(ctx.db, phoneNumberId);
  return n ? okv(n) : { ok: false, error: { ...unknownObject(method, phoneNumberId), status: 404 } };
}

/** A simulated person's address: their number (digits), or a BSUID for a username user who shares no phone. */
export function checkWaId(wa: string): GraphFailure | undefined {
  return WA_ID.test(wa) || isBsuidAddress(wa)
    ? undefined
    : fail(100, "wa_id must be the customer's number as digits only, e.g. 919876543210, or a username user's BSUID, e.g. IN.8F3A20C1D9E477B6A5C2");
}

function interactiveReply(i: Obj): Checked<Obj> {
  const t = i['type'];
  if (t === 'button_reply' || t === 'list_reply') {
    const r = i[t];
    const f = first(
      () => object(`interactive.${t}`, r),
      () => text(`interactive.${t}.id`, r['id'], 256),
      () => text(`interactive.${t}.title`, r['title'], 72),
    );
    return f ? { ok: false, error: f } : okv({ type: t, [t]: r });
  }
  if (t === 'nfm_reply') {
    const r = i['nfm_reply'];
    if (!isObj(r)) return { ok: false, error: object('interactive.nfm_reply', r) ?? missing('interactive.nfm_reply') };
    const json = typeof r['response_json'] === 'string' ? r['response_json'] : JSON.stringify(r['response_json'] ?? {});
    return okv({ type: t, nfm_reply: { response_json: json, body: r['body'] ?? 'Sent', name: r['name'] ?? 'flow' } });
  }
  return bad(100, 'interactive.type must be button_reply, list_reply or nfm_reply');
}

/** A cart as WhatsApp sends it: major-unit item_price and currency filled from the catalog when left out. */
async function orderPayload(ctx: SandboxContext, number: SandboxNumber, o: Obj): Promise<Checked<Obj>> {
  const items = o['product_items'];
  if (!Array.isArray(items) || items.length === 0) return { ok: false, error: missing('order.product_items') };
  if (o['catalog_id'] !== undefined && o['catalog_id'] !== number.catalog_id) return bad(131009, "order.catalog_id is not this number's catalog");
  const catalog = new Map((await listCatalog(ctx, number)).map((p) => [p.retailer_id, p]));
  const out: Obj[] = [];
  for (const [i, it] of items.entries()) {
    const path = `order.product_items[${i}]`;
    const qty = isObj(it) ? intLike(it['quantity']) : undefined;
    const p = isObj(it) ? catalog.get(it['product_retailer_id']) : undefined;
    if (!isObj(it) || !p) return bad(131009, `${path}.product_retailer_id is not a product of this number's catalog`);
    if (qty === undefined || qty <= 0) return bad(131009, `${path}.quantity must be a positive integer`);
    const price = typeof it['item_price'] === 'number' ? it['item_price'] : p.price / 10 ** (currencyExponent(p.currency) ?? 2);
    out.push({
      product_retailer_id: p.retailer_id,
      quantity: qty,
      item_price: price,
      currency: typeof it['currency'] === 'string' ? it['currency'] : p.currency,
    });
  }
  return okv({ catalog_id: number.catalog_id ?? '', text: typeof o['text'] === 'string' ? o['text'] : '', product_items: out });
}

async function payloadOf(ctx: SandboxContext, number: SandboxNumber, type: string, v: Obj): Promise<Checked<Obj>> {
  switch (type) {
    case 'text': {
      const f = text('text.body', v['body'], 4096);
      return f ? { ok: false, error: f } : okv({ body: v['body'] });
    }
    case 'interactive':
      return interactiveReply(v);
    case 'button': {
      const f = first(
        () => text('button.text', v['text'], 256),
        () => text('button.payload', v['payload'] ?? v['text'], 1000),
      );
      return f ? { ok: false, error: f } : okv({ payload: v['payload'] ?? v['text'], text: v['text'] });
    }
    case 'order':
      return orderPayload(ctx, number, v);
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker':
      return mediaPayload(ctx, ctx.db, number, type, v);
    case 'location': {
      const ok = ['latitude', 'longitude'].every((k) => typeof v[k] === 'number');
      return ok ? okv(v) : { ok: false, error: invalid('location', 'needs numeric latitude and longitude') };
    }
    default: {
      const f = first(
        () => text('reaction.message_id', v['message_id'], 512),
        () => text('reaction.emoji', v['emoji'], 16, false),
      );
      return f ? { ok: false, error: f } : okv({ message_id: v['message_id'], emoji: v['emoji'] ?? '' });
    }
  }
}

/** Shared contact cards (contacts[]: name.formatted_name and phones[] at least). */
function contactsPayload(cards: Obj[]): Checked<any> {
  if (cards.length > 20) return bad(100, 'contacts: at most 20 cards');
  for (const [i, c] of cards.entries()) {
    const f = text(`contacts[${i}].name.formatted_name`, isObj(c['name']) ? c['name']['formatted_name'] : undefined, 200);
    if (f) return { ok: false, error: f };
  }
  return okv(cards);
}

/** POST /sandbox/customers/{wa_id}/messages: the customer writes; 201 {id: wamid}. */
export async function customerSends(ctx: SandboxContext, wa: string, body: unknown): Promise<Checked<{ id: string }>> {
  const bad1 = checkWaId(wa);
  if (bad1) return { ok: false, error: bad1 };
  const b: Obj = isObj(body) ? body : {};
  const number = await numberFor(ctx, b['phone_number_id']);
  if (!number.ok) return number;
  const n = number.value;
  if (wa === n.display_phone_number) return bad(131021, 'The customer cannot be the business phone number');
  const type = b['type'] ?? 'text';
  if (!INBOUND_TYPES.includes(type)) return bad(100, `type must be one of ${INBOUND_TYPES.join(', ')}`);
  if (type === 'contacts' ? !Array.isArray(b[type]) || b[type].length === 0 || !b[type].every(isObj) : !isObj(b[type]))
    return { ok: false, error: missing(type) };
  const nameBad = text('name', b['name'], 100, false) ?? text('username', b['username'], 35, false);
  if (nameBad) return { ok: false, error: nameBad };
  const payload = type === 'contacts' ? contactsPayload(b[type]) : await payloadOf(ctx, n, type, b[type]);
  if (!payload.ok) return payload;
  const ctxIn = b['context'];
  const quoted = isObj(ctxIn) ? (ctxIn['id'] ?? ctxIn['message_id']) : undefined;
  // A product enquiry: "Message business" under a product; a text with context.referred_product.
  const referred = isObj(ctxIn) ? ctxIn['referred_product'] : undefined;
  if (ctxIn !== undefined && (quoted !== undefined || referred === undefined)) {
    const q = typeof quoted === 'string' ? await getMessage(ctx.db, quoted) : undefined;
    if (!q || q.phone_number_id !== n.phone_number_id || q.wa_id !== wa) return bad(100, 'context.id must be the wamid of a message in this conversation');
  }
  if (referred !== undefined) {
    const r = referred as Obj;
    const f = first(
      () => object('context.referred_product', referred),
      () => (type === 'text' ? undefined : invalid('context.referred_product', 'comes with a text message')),
      () => text('context.referred_product.product_retailer_id', r['product_retailer_id'], 100),
      () =>
        r['catalog_id'] === undefined || r['catalog_id'] === n.catalog_id
          ? undefined
          : invalid('context.referred_product.catalog_id', "is not this number's catalog"),
    );
    if (f) return { ok: false, error: f };
    if ((await listCatalog(ctx, n, { retailerIds: [r['product_retailer_id']] })).length === 0)
      return bad(131009, `context.referred_product.product_retailer_id ${String(r['product_retailer_id'])} is not a product of this number's catalog`);
  }
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const known = await getCustomer(tx, n.phone_number_id, wa);
    const name = (b['name'] as string | undefined) ?? known?.name ?? `Customer ${wa.slice(-4)}`;
    // Every user has a BSUID; a username user (addressed by it) shares no phone and shows a username.
    const who = identityOf(n.phone_number_id, wa);
    const username = (b['username'] as string | undefined) ?? known?.username ?? (who.phone ? null : `user_${who.bsuid.slice(-6).toLowerCase()}`);
    await touchCustomerInbound(tx, n.phone_number_id, wa, name, now, { bsuid: who.bsuid, username });
    const wamid = newWamid(wa, 'inbound');
    const message: Obj = {
      ...(quoted || referred
        ? {
            context: {
              from: n.display_phone_number ?? '',
              ...(quoted ? { id: quoted } : {}),
              ...(referred
                ? { referred_product: { catalog_id: n.catalog_id ?? '', product_retailer_id: (referred as Obj)['product_retailer_id'] as string } }
                : {}),
            },
          }
        : {}),
      ...(who.phone ? { from: who.phone } : {}),
      from_user_id: who.bsuid,
      id: wamid,
      timestamp: String(unixSeconds(now)),
      type,
      [type]: payload.value,
    };
    await insertMessage(tx, {
      wamid,
      phone_number_id: n.phone_number_id,
      wa_id: wa,
      direction: 'inbound',
      type,
      body: message,
      status: 'sent',
      error: null,
      reference_id: null,
      pricing: null,
      created_at: now,
    });
    const contact = { profile: { name, ...(username ? { username } : {}) }, ...(who.phone ? { wa_id: who.phone } : {}), user_id: who.bsuid };
    const value = changeValue(n, { contacts: [contact], messages: [message] });
    await emitChange(ctx, tx, n, value, { inboundWamid: wamid });
    return okv({ id: wamid });
  });
}

/** The customer opens the chat: everything received so far becomes `read` (with its webhook). */
export async function customerReads(ctx: SandboxContext, wa: string, phoneNumberId: unknown): Promise<Checked<{ read: string[] }>> {
  const bad1 = checkWaId(wa);
  if (bad1) return { ok: false, error: bad1 };
  const number = await numberFor(ctx, phoneNumberId);
  if (!number.ok) return number;
  const unread = await listUnread(ctx.db, number.value.phone_number_id, wa);
  const read: string[] = [];
  await inTransaction(ctx, async (tx) => {
    for (const m of unread) if (await applyStatus(ctx, tx, number.value, m.wamid, 'read')) read.push(m.wamid);
  });
  return okv({ read });
}
