// Interactive messages: the shared shell (header ≤ 60, body ≤ 1024, footer ≤ 60) and
// each type's action, with the limits of whatsapp.md §1 (buttons, lists, products,
// cta_url, flow) and §3 (order_details, order_status).
import { bad, okv, type Checked, type GraphFailure } from './wa.errors.ts';
import { first, httpUrl, invalid, isObj, missing, object, text, type Obj } from './wa.check.ts';
import { checkOrderDetailsAction, checkOrderStatusAction, type OrderCtx, type OrderDraft, type OrderStatusDraft } from './wa.validate-order.ts';

export interface InteractiveResult {
  order?: OrderDraft;
  orderStatus?: OrderStatusDraft;
  /** Products the message shows; they must be in the number's catalog. */
  products?: { catalogId: string; retailerIds: string[] };
}

const TYPES = [
  'button',
  'list',
  'product',
  'product_list',
  'catalog_message',
  'cta_url',
  'flow',
  'order_details',
  'order_status',
  'location_request_message',
  'address_message',
  'call_permission_request',
];
const NEEDS_BODY = new Set([
  'button',
  'list',
  'product_list',
  'catalog_message',
  'cta_url',
  'flow',
  'order_details',
  'order_status',
  'location_request_message',
  'address_message',
]);
const TEXT_HEADER_ONLY = new Set(['list', 'product_list', 'flow']);

function shell(i: Obj, type: string): GraphFailure | undefined {
  const h = i['header'];
  return first(
    () => object('interactive.header', h, type === 'product_list'),
    () =>
      h !== undefined && !['text', 'image', 'video', 'document'].includes(h['type'])
        ? invalid('interactive.header.type', 'must be text, image, video or document')
        : undefined,
    () =>
      h !== undefined && TEXT_HEADER_ONLY.has(type) && h['type'] !== 'text'
        ? invalid('interactive.header.type', `must be text for ${type} messages`)
        : undefined,
    () => (h !== undefined && h['type'] === 'text' ? text('interactive.header.text', h['text'], 60) : undefined),
    () => object('interactive.body', i['body'], NEEDS_BODY.has(type)),
    () => (i['body'] !== undefined ? text('interactive.body.text', i['body']['text'], 1024) : undefined),
    () => object('interactive.footer', i['footer'], false),
    () => (i['footer'] !== undefined ? text('interactive.footer.text', i['footer']['text'], 60) : undefined),
    () => object('interactive.action', i['action'], type !== 'call_permission_request'),
  );
}

function buttons(a: Obj): GraphFailure | undefined {
  const list = a['buttons'];
  if (list === undefined) return missing('interactive.action.buttons');
  if (!Array.isArray(list) || list.length < 1 || list.length > 3) return invalid('interactive.action.buttons', 'must have 1 to 3 buttons');
  const titles = new Set<string>();
  const ids = new Set<string>();
  for (const [i, b] of list.entries()) {
    const path = `interactive.action.buttons[${i}]`;
    const f = first(
      () => object(path, b),
      () => (b['type'] === 'reply' ? undefined : invalid(`${path}.type`, 'must be reply')),
      () => object(`${path}.reply`, b['reply']),
      () => text(`${path}.reply.title`, b['reply']['title'], 20),
      () => text(`${path}.reply.id`, b['reply']['id'], 256),
      () => (b['reply']['id'].trim() !== b['reply']['id'] ? invalid(`${path}.reply.id`, 'must not have leading or trailing spaces') : undefined),
      () => (titles.has(b['reply']['title']) ? invalid(`${path}.reply.title`, 'must be unique') : undefined),
      () => (ids.has(b['reply']['id']) ? invalid(`${path}.reply.id`, 'must be unique') : undefined),
    );
    if (f) return f;
    titles.add(b['reply']['title']);
    ids.add(b['reply']['id']);
  }
  return undefined;
}

function sections(a: Obj, rowsKey: 'rows' | 'product_items', maxTotal: number): GraphFailure | undefined {
  const list = a['sections'];
  if (list === undefined) return missing('interactive.action.sections');
  if (!Array.isArray(list) || list.length < 1 || list.length > 10) return invalid('interactive.action.sections', 'must have 1 to 10 sections');
  let total = 0;
  for (const [i, s] of list.entries()) {
    const path = `interactive.action.sections[${i}]`;
    const f = first(
      () => object(path, s),
      () => text(`${path}.title`, s['title'], 24, list.length > 1),
      () => (Array.isArray(s[rowsKey]) && s[rowsKey].length > 0 ? undefined : invalid(`${path}.${rowsKey}`, 'must be a non-empty array')),
    );
    if (f) return f;
    for (const [j, r] of (s[rowsKey] as unknown[]).entries()) {
      const rp = `${path}.${rowsKey}[${j}]`;
      const g =
        rowsKey === 'rows'
          ? first(
              () => object(rp, r),
              () => text(`${rp}.id`, (r as Obj)['id'], 200),
              () => text(`${rp}.title`, (r as Obj)['title'], 24),
              () => text(`${rp}.description`, (r as Obj)['description'], 72, false),
            )
          : first(
              () => object(rp, r),
              () => text(`${rp}.product_retailer_id`, (r as Obj)['product_retailer_id'], 100),
            );
      if (g) return g;
      total++;
    }
  }
  return total > maxTotal
    ? invalid('interactive.action.sections', `must hold at most ${maxTotal} ${rowsKey === 'rows' ? 'rows' : 'products'} in total`)
    : undefined;
}

function flow(a: Obj): GraphFailure | undefined {
  const p = a['parameters'];
  return first(
    () => (a['name'] === 'flow' ? undefined : invalid('interactive.action.name', 'must be flow')),
    () => object('interactive.action.parameters', p),
    () => (p['flow_message_version'] === undefined ? missing('interactive.action.parameters.flow_message_version') : undefined),
    () => (String(p['flow_message_version']) === '3' ? undefined : invalid('interactive.action.parameters.flow_message_version', 'must be 3')),
    () => (p['flow_id'] === undefined && p['flow_name'] === undefined ? missing('interactive.action.parameters.flow_id') : undefined),
    () => text('interactive.action.parameters.flow_cta', p['flow_cta'], 30), // Meta's Flows guide
    () => text('interactive.action.parameters.flow_token', p['flow_token'], 1000, false),
    () =>
      p['mode'] === undefined || ['published', 'draft'].includes(p['mode'])
        ? undefined
        : invalid('interactive.action.parameters.mode', 'must be published or draft'),
    () =>
      p['flow_action'] === undefined || ['navigate', 'data_exchange'].includes(p['flow_action'])
        ? undefined
        : invalid('interactive.action.parameters.flow_action', 'must be navigate or data_exchange'),
    () =>
      p['flow_action'] === 'data_exchange' && p['flow_action_payload'] !== undefined
        ? invalid('interactive.action.parameters.flow_action_payload', 'is only allowed with flow_action navigate')
        : undefined,
    () => object('interactive.action.parameters.flow_action_payload', p['flow_action_payload'], false),
    () => {
      const d = p['flow_action_payload']?.['data'];
      return d !== undefined && (!isObj(d) || Object.keys(d).length === 0)
        ? invalid('interactive.action.parameters.flow_action_payload.data', 'must be a non-empty object')
        : undefined;
    },
  );
}

// Meta's address-messages guide (India): country is required; values prefill the form,
// validation_errors show under its fields, saved_addresses offer earlier ones.
const ADDRESS_FIELDS = [
  'name',
  'phone_number',
  'in_pin_code',
  'house_number',
  'floor_number',
  'tower_number',
  'building_name',
  'address',
  'landmark_area',
  'city',
  'state',
];
function addressAction(a: Obj): GraphFailure | undefined {
  const p = a['parameters'];
  const fields = (path: string, v: unknown): GraphFailure | undefined => {
    if (v === undefined) return undefined;
    if (!isObj(v)) return invalid(path, 'must be an object');
    for (const [k, x] of Object.entries(v)) {
      if (!ADDRESS_FIELDS.includes(k)) return invalid(`${path}.${k}`, `is not an address field (${ADDRESS_FIELDS.join(', ')})`);
      const t = text(`${path}.${k}`, x, 1024, false);
      if (t) return t;
    }
    return undefined;
  };
  return first(
    () => (a['name'] === 'address_message' ? undefined : invalid('interactive.action.name', 'must be address_message')),
    () => object('interactive.action.parameters', p),
    () => (p['country'] === undefined ? missing('interactive.action.parameters.country') : undefined),
    () => (p['country'] === 'IN' ? undefined : invalid('interactive.action.parameters.country', 'must be IN (address messages are available in India only)')),
    () => fields('interactive.action.parameters.values', p['values']),
    () => fields('interactive.action.parameters.validation_errors', p['validation_errors']),
    () =>
      p['saved_addresses'] === undefined || Array.isArray(p['saved_addresses'])
        ? undefined
        : invalid('interactive.action.parameters.saved_addresses', 'must be an array'),
  );
}

function productIds(a: Obj): string[] {
  if (a['product_retailer_id'] !== undefined) return [a['product_retailer_id']];
  return (a['sections'] as Obj[]).flatMap((s) => (s['product_items'] as Obj[]).map((p) => p['product_retailer_id'] as string));
}

export function checkInteractive(i: unknown, ctx: OrderCtx): Checked<InteractiveResult> {
  if (!isObj(i)) return { ok: false, error: object('interactive', i) ?? missing('interactive') };
  const type = i['type'];
  if (type === undefined) return { ok: false, error: missing('interactive.type') };
  if (!TYPES.includes(type)) return bad(131009, `interactive.type must be one of ${TYPES.join(', ')}`);
  const s = shell(i, type);
  if (s) return { ok: false, error: s };
  const a: Obj = i['action'] ?? {};
  switch (type) {
    case 'order_details': {
      const o = checkOrderDetailsAction(a, ctx);
      return o.ok ? okv({ order: o.value }) : o;
    }
    case 'order_status': {
      const o = checkOrderStatusAction(a);
      return o.ok ? okv({ orderStatus: o.value }) : o;
    }
    case 'button':
      return done(buttons(a));
    case 'list':
      return done(
        first(
          () => text('interactive.action.button', a['button'], 20),
          () => sections(a, 'rows', 10),
        ),
      );
    case 'cta_url':
      return done(
        first(
          () => (a['name'] === 'cta_url' ? undefined : invalid('interactive.action.name', 'must be cta_url')),
          () => object('interactive.action.parameters', a['parameters']),
          () => text('interactive.action.parameters.display_text', a['parameters']['display_text'], 20),
          () => httpUrl('interactive.action.parameters.url', a['parameters']['url']),
        ),
      );
    case 'flow':
      return done(flow(a));
    case 'address_message':
      return done(addressAction(a));
    case 'catalog_message': {
      const f = first(
        () => (a['name'] === 'catalog_message' ? undefined : invalid('interactive.action.name', 'must be catalog_message')),
        () => object('interactive.action.parameters', a['parameters']),
        () => text('interactive.action.parameters.thumbnail_product_retailer_id', a['parameters']['thumbnail_product_retailer_id'], 100),
      );
      if (f) return { ok: false, error: f };
      return okv({ products: { catalogId: ctx.number.catalog_id ?? '', retailerIds: [a['parameters']['thumbnail_product_retailer_id']] } });
    }
    case 'product':
    case 'product_list': {
      const f = first(
        () => text('interactive.action.catalog_id', a['catalog_id'], 100),
        () => (type === 'product' ? text('interactive.action.product_retailer_id', a['product_retailer_id'], 100) : sections(a, 'product_items', 30)),
      );
      return f ? { ok: false, error: f } : okv({ products: { catalogId: a['catalog_id'], retailerIds: productIds(a) } });
    }
    default:
      return okv({});
  }
}

const done = (f: GraphFailure | undefined): Checked<InteractiveResult> => (f ? { ok: false, error: f } : okv({}));
