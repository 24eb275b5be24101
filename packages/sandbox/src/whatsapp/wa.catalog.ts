// The Meta catalog of the Cloud API double: GET /{version}/{catalog_id}/products with
// Graph's list envelope and cursor paging (`fields`, `limit`, `after`; `paging.cursors`
// and `paging.next` only while there is more), the catalog's own errors (190, 100/33 for
// a catalog the token does not own, 100 for a field ProductItem does not have or a bad
// cursor), and a test control that puts items in the catalog. `price` is a display
// string, as Meta reads it back ("₹1,234.00"), `currency` the ISO code.
import { z } from 'zod';
import { formatMoney } from '../../../../src/domain/display.ts';
import { isCurrency } from '../../../../src/domain/money.ts';
import { fail, invalidToken, sendGraphError, unknownObject, type Checked } from './wa.errors.ts';
import { authorize } from './wa.http.ts';
import { putCatalogItems, type CatalogProduct } from './wa.repository.ts';
import { listCatalog } from './wa.catalog-list.ts';
import { type App, type SandboxContext, inTransaction } from '../host.ts';

const hide = { hide: true } as const;
const VERSION = /^v\d{1,3}\.\d{1,3}$/;
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;
/** ProductItem fields the double can read (a subset of Meta's; others are Meta's 100 "nonexisting field"). */
export const PRODUCT_ITEM_FIELDS = ['id', 'retailer_id', 'name', 'description', 'price', 'currency', 'availability', 'image_url', 'url'] as const;
const AVAILABILITY = ['in stock', 'out of stock', 'preorder', 'available for order', 'discontinued', 'pending', 'mark_as_sold'] as const;

const cursorOf = (retailerId: string) => Buffer.from(retailerId, 'utf8').toString('base64url');
function fromCursor(c: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(c)) return undefined;
  const s = Buffer.from(c, 'base64url').toString('utf8');
  return s.length > 0 && s.length <= 100 && cursorOf(s) === c ? s : undefined;
}

/** How Meta shows a price: the currency's symbol, grouping and decimals (Indian grouping for INR). */
export function metaPriceString(minor: number, currency: string): string {
  return formatMoney(minor, currency, currency === 'INR' ? 'en-IN' : 'en-US');
}

function field(p: CatalogProduct, f: (typeof PRODUCT_ITEM_FIELDS)[number]): unknown {
  switch (f) {
    case 'price':
      return metaPriceString(p.price, p.currency);
    case 'url':
      return undefined;
    default:
      return p[f] ?? undefined;
  }
}

type Query = { fields?: unknown; limit?: unknown; after?: unknown };

function parseQuery(q: Query): Checked<{ fields: string[]; limit: number; after?: string }> {
  const fields =
    typeof q.fields === 'string' && q.fields.trim() !== ''
      ? q.fields
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : ['id'];
  const unknown = fields.find((f) => !(PRODUCT_ITEM_FIELDS as readonly string[]).includes(f));
  if (unknown !== undefined)
    return { ok: false, error: fail(100, `Tried accessing nonexisting field (${unknown.slice(0, 100)}) on node type (ProductItem)`, { errorData: false }) };
  let limit = DEFAULT_LIMIT;
  if (q.limit !== undefined) {
    if (typeof q.limit !== 'string' || !/^\d{1,6}$/.test(q.limit) || Number(q.limit) < 1) {
      return { ok: false, error: fail(100, 'Param limit must be a positive integer', { errorData: false }) };
    }
    limit = Math.min(MAX_LIMIT, Number(q.limit));
  }
  if (q.after !== undefined) {
    const after = typeof q.after === 'string' ? fromCursor(q.after) : undefined;
    if (after === undefined)
      return { ok: false, error: fail(100, 'Invalid cursor: the after parameter is not a cursor this edge returned', { errorData: false }) };
    return { ok: true, value: { fields, limit, after } };
  }
  return { ok: true, value: { fields, limit } };
}

const itemBody = z.strictObject({
  retailer_id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).nullable().optional(),
  price: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('minor units of currency'),
  currency: z.string().refine(isCurrency, { message: 'must be an ISO 4217 currency' }),
  availability: z.enum(AVAILABILITY).optional(),
  image_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
});
const putBody = z.strictObject({ items: z.array(itemBody).max(5000), replace: z.boolean().optional() });

export function registerCatalog(app: App, ctx: SandboxContext) {
  app.get<{ Params: { version: string; catalog_id: string }; Querystring: Query }>('/:version/:catalog_id/products', { schema: hide }, async (req, reply) => {
    if (!VERSION.test(req.params.version))
      return sendGraphError(reply, { code: 2500, message: `Unknown path components: /${req.params.version}`, errorData: false });
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(h) : null;
    const token =
      m?.[1] ??
      (typeof (req.query as Record<string, unknown>)['access_token'] === 'string' ? String((req.query as Record<string, unknown>)['access_token']) : undefined);
    const owner = token ? await ctx.business.numberByToken(ctx.db, token) : undefined;
    if (!owner) return sendGraphError(reply, invalidToken());
    if (!owner.catalog_id || owner.catalog_id !== req.params.catalog_id) return sendGraphError(reply, unknownObject('get', req.params.catalog_id));
    const parsed = parseQuery(req.query);
    if (!parsed.ok) return sendGraphError(reply, parsed.error);
    const q = parsed.value;
    const rows = await listCatalog(ctx, owner, { limit: q.limit + 1, ...(q.after !== undefined ? { after: q.after } : {}) });
    const page = rows.slice(0, q.limit);
    const more = rows.length > q.limit;
    const data = page.map((p) => {
      const o: Record<string, unknown> = {};
      for (const f of q.fields as (typeof PRODUCT_ITEM_FIELDS)[number][]) {
        const v = field(p, f);
        if (v !== undefined && v !== null) o[f] = v;
      }
      o['id'] = p.id;
      return o;
    });
    const body: Record<string, unknown> = { data };
    if (page.length > 0) {
      const cursors = { before: cursorOf(page[0]!.retailer_id), after: cursorOf(page.at(-1)!.retailer_id) };
      const paging: Record<string, unknown> = { cursors };
      if (more) {
        const next = new URL(`${ctx.publicUrl.replace(/\/+$/, '')}/sandbox/graph/${req.params.version}/${req.params.catalog_id}/products`);
        next.searchParams.set('fields', q.fields.join(','));
        next.searchParams.set('limit', String(q.limit));
        next.searchParams.set('after', cursors.after);
        paging['next'] = next.toString();
      }
      body['paging'] = paging;
    }
    return reply.send(body);
  });

  // Test control: put items in the number's Meta catalog (Commerce Manager's side).
  app.put<{ Params: { phone_number_id: string }; Body: z.infer<typeof putBody> }>(
    '/catalog/:phone_number_id',
    { schema: { ...hide, params: z.strictObject({ phone_number_id: z.string().min(1).max(64) }), body: putBody }, bodyLimit: 8 * 1024 * 1024 },
    async (req, reply) => {
      const n = await authorize(ctx, req, reply, req.params.phone_number_id);
      if (!n) return reply;
      if (!n.catalog_id) return sendGraphError(reply, fail(100, 'This phone number has no catalog linked'));
      const retailerIds = new Set<string>();
      for (const it of req.body.items) {
        if (retailerIds.has(it.retailer_id)) return sendGraphError(reply, fail(100, `retailer_id ${it.retailer_id} appears twice`));
        retailerIds.add(it.retailer_id);
      }
      await inTransaction(ctx, (tx) => putCatalogItems(tx, n.catalog_id!, req.body.items, ctx.clock.now(), req.body.replace === true));
      return reply.send({ catalog_id: n.catalog_id, count: (await listCatalog(ctx, n)).length });
    },
  );
}
