// order_details and order_status, checked the way Meta's payment pages describe
// (whatsapp.md §3.1–3.5): reference_id shape, the money arithmetic, expiry ≥ 300 s,
// order.status pending, importer fields without a catalog, shipping for physical goods.
// Uniqueness of the reference and status transitions need the store: wa.send.ts.
import { bad, okv, type Checked, type GraphFailure } from './wa.errors.ts';
import { first, intLike, invalid, isObj, missing, money, object, text, type Money, type Obj } from './wa.check.ts';
import type { OrderStatus, WaOrder } from './wa.types.ts';
import type { SandboxNumber } from '../host.ts';

export interface OrderDraft {
  referenceId: string;
  paymentMode: WaOrder['payment_mode'];
  gateway: string | null;
  configurationName: string | null;
  gatewayExtras: Record<string, unknown>;
  currency: string;
  total: Money;
  expiresAt: Date | null;
}

export interface OrderStatusDraft {
  referenceId: string;
  status: OrderStatus;
}

export interface OrderCtx {
  now: Date;
  number: Pick<SandboxNumber, 'catalog_id' | 'payment_configurations'>;
}

const GATEWAYS = ['razorpay', 'payu', 'billdesk', 'zaakpay'];
const GATEWAY_EXTRAS: Record<string, RegExp> = {
  razorpay: /^(receipt|notes)$/,
  payu: /^udf[1-4]$/,
  zaakpay: /^extra[12]$/,
  billdesk: /^additional_info[1-7]$/,
};
const BR_SETTINGS = ['pix_dynamic_code', 'payment_link', 'boleto', 'offsite_card_pay'];
export const ORDER_STATUSES = ['pending', 'processing', 'partially-shipped', 'partially_shipped', 'shipped', 'completed', 'canceled'] as const;
const P = 'action.parameters';

type Payment = Pick<OrderDraft, 'paymentMode' | 'gateway' | 'configurationName' | 'gatewayExtras'> & { brazil: boolean };

function paymentOf(p: Obj, ctx: OrderCtx): Checked<Payment> {
  const configured = (ctx.number.payment_configurations ?? []).map((c) => c.name);
  const knownConfig = (name: string, path: string) =>
    configured.length === 0 || configured.includes(name)
      ? undefined
      : invalid(path, `names a payment configuration (${name}) that is not set up for this number`);
  if (p['payment_settings'] !== undefined) {
    const list = p['payment_settings'];
    if (!Array.isArray(list) || list.length === 0) return bad(131009, `${P}.payment_settings must be a non-empty array`);
    for (const [i, s] of list.entries()) {
      const path = `${P}.payment_settings[${i}]`;
      if (!isObj(s)) return bad(131009, `${path} must be an object`);
      if (s['type'] === 'payment_gateway') {
        const g = s['payment_gateway'];
        const f = first(
          () => object(`${path}.payment_gateway`, g),
          () => (GATEWAYS.includes(g['type']) ? undefined : invalid(`${path}.payment_gateway.type`, `must be one of ${GATEWAYS.join(', ')}`)),
          () => text(`${path}.payment_gateway.configuration_name`, g['configuration_name'], 60),
          () => knownConfig(g['configuration_name'], `${path}.payment_gateway.configuration_name`),
        );
        if (f) return { ok: false, error: f };
        const extras = isObj(g[g['type']]) ? (g[g['type']] as Obj) : {};
        const keys = Object.keys(extras).filter((k) => !GATEWAY_EXTRAS[g['type']]!.test(k));
        if (keys.length) return bad(131009, `${path}.payment_gateway.${g['type']} has unknown field(s): ${keys.join(', ')}`);
        return okv({ paymentMode: 'payment_gateway', gateway: g['type'], configurationName: g['configuration_name'], gatewayExtras: extras, brazil: false });
      }
      if (!BR_SETTINGS.includes(s['type'])) return bad(131009, `${path}.type must be payment_gateway, ${BR_SETTINGS.join(', ')}`);
    }
    return okv({ paymentMode: 'other', gateway: null, configurationName: null, gatewayExtras: {}, brazil: true });
  }
  const type = p['payment_type'];
  if (type === undefined) return { ok: false, error: missing(`${P}.payment_settings`) };
  if (type === 'upi') {
    const f = text(`${P}.payment_configuration`, p['payment_configuration'], 60) ?? knownConfig(p['payment_configuration'], `${P}.payment_configuration`);
    if (f) return { ok: false, error: f };
    return okv({ paymentMode: 'upi', gateway: null, configurationName: p['payment_configuration'], gatewayExtras: {}, brazil: false });
  }
  if (type === 'br' || /^p2m-lite:/.test(String(type))) {
    return okv({ paymentMode: 'other', gateway: null, configurationName: p['payment_configuration'] ?? null, gatewayExtras: {}, brazil: type === 'br' });
  }
  return bad(131009, `${P}.payment_type must be upi, br or p2m-lite:stripe`);
}

function itemsCheck(order: Obj, india: boolean, brazil: boolean): Checked<number> {
  const items = order['items'];
  if (items === undefined) return { ok: false, error: missing(`${P}.order.items`) };
  if (!Array.isArray(items) || items.length === 0) return bad(131009, `${P}.order.items must be a non-empty array`);
  if (items.length > 999) return bad(131009, `${P}.order.items must have at most 999 items`);
  let subtotal = 0;
  for (const [i, it] of items.entries()) {
    const path = `${P}.order.items[${i}]`;
    if (!isObj(it)) return bad(131009, `${path} must be an object`);
    const amount = money(`${path}.amount`, it['amount']);
    if (!amount.ok) return amount;
    const sale = money(`${path}.sale_amount`, it['sale_amount'], false);
    if (!sale.ok) return sale;
    const qty = intLike(it['quantity']);
    const f = first(
      () => text(`${path}.name`, it['name'], 60),
      () => text(`${path}.retailer_id`, it['retailer_id'], 100, brazil),
      () => (it['quantity'] === undefined ? missing(`${path}.quantity`) : undefined),
      () => (qty === undefined || qty <= 0 ? invalid(`${path}.quantity`, 'must be a positive integer') : undefined),
      () => (sale.value && sale.value.value >= amount.value!.value ? invalid(`${path}.sale_amount.value`, 'must be less than amount.value') : undefined),
      () => (india && order['catalog_id'] === undefined ? importerCheck(path, it) : undefined),
    );
    if (f) return { ok: false, error: f };
    subtotal += (sale.value ?? amount.value!).value * qty!;
  }
  return okv(subtotal);
}

function importerCheck(path: string, it: Obj): GraphFailure | undefined {
  const a = it['importer_address'];
  return first(
    () => text(`${path}.country_of_origin`, it['country_of_origin'], 100),
    () => text(`${path}.importer_name`, it['importer_name'], 200),
    () => object(`${path}.importer_address`, a),
    () => text(`${path}.importer_address.address_line1`, a['address_line1'], 100),
    () => text(`${path}.importer_address.city`, a['city'], 120),
    () => text(`${path}.importer_address.zone_code`, a['zone_code'], 2),
    () => text(`${path}.importer_address.postal_code`, a['postal_code'], 10),
    () => text(`${path}.importer_address.country_code`, a['country_code'], 2),
  );
}

function expirationOf(order: Obj, ctx: OrderCtx, brazil: boolean): Checked<Date | null> {
  const e = order['expiration'];
  if (e === undefined) return okv(null);
  if (!isObj(e)) return bad(131009, `${P}.order.expiration must be an object`);
  const ts = intLike(e['timestamp']);
  const f = first(
    () => (e['timestamp'] === undefined ? missing(`${P}.order.expiration.timestamp`) : undefined),
    () => (ts === undefined ? invalid(`${P}.order.expiration.timestamp`, 'must be a UTC timestamp in seconds') : undefined),
    () => text(`${P}.order.expiration.description`, e['description'], 120, brazil),
    () =>
      ts! * 1000 < ctx.now.getTime() + 300_000 ? invalid(`${P}.order.expiration.timestamp`, 'must be at least 300 seconds after the send request') : undefined,
  );
  return f ? { ok: false, error: f } : okv(new Date(ts! * 1000));
}

/** The `parameters` of order_details (interactive, or a template's order_details button). */
export function checkOrderParameters(p: unknown, ctx: OrderCtx): Checked<OrderDraft> {
  if (!isObj(p)) return { ok: false, error: object(P, p) ?? missing(P) };
  const payment = paymentOf(p, ctx);
  if (!payment.ok) return payment;
  const { brazil } = payment.value;
  const india = !brazil && payment.value.paymentMode !== 'other';
  const refRule = brazil ? /^[A-Za-z0-9_.-]{1,60}$/ : /^[A-Za-z0-9_.-]{1,35}$/;
  const order = p['order'];
  const f = first(
    () => (p['reference_id'] === undefined ? missing(`${P}.reference_id`) : undefined),
    () => (typeof p['reference_id'] === 'string' && refRule.test(p['reference_id']) ? undefined : invalid(`${P}.reference_id`, `must match ${refRule.source}`)),
    () => (p['type'] === undefined ? missing(`${P}.type`) : undefined),
    () => (['digital-goods', 'physical-goods'].includes(p['type']) ? undefined : invalid(`${P}.type`, 'must be digital-goods or physical-goods')),
    () => text(`${P}.currency`, p['currency'], 3),
    () => (/^[A-Z]{3}$/.test(p['currency']) ? undefined : invalid(`${P}.currency`, 'must be an ISO 4217 code')),
    () => (india && p['currency'] !== 'INR' ? invalid(`${P}.currency`, 'must be INR for payments in India') : undefined),
    () => (brazil && p['currency'] !== 'BRL' ? invalid(`${P}.currency`, 'must be BRL for payments in Brazil') : undefined),
    () => object(`${P}.order`, order),
    () => (order['status'] === undefined ? missing(`${P}.order.status`) : undefined),
    () => (order['status'] === 'pending' ? undefined : invalid(`${P}.order.status`, 'must be pending in an order_details message')),
    () =>
      order['catalog_id'] !== undefined && order['catalog_id'] !== ctx.number.catalog_id
        ? invalid(`${P}.order.catalog_id`, 'is not the catalog linked to this phone number')
        : undefined,
  );
  if (f) return { ok: false, error: f };
  const total = money(`${P}.total_amount`, p['total_amount']);
  if (!total.ok) return total;
  const subtotal = money(`${P}.order.subtotal`, order['subtotal']);
  if (!subtotal.ok) return subtotal;
  const tax = money(`${P}.order.tax`, order['tax']);
  if (!tax.ok) return tax;
  const shipping = money(`${P}.order.shipping`, order['shipping'], false);
  if (!shipping.ok) return shipping;
  const discount = money(`${P}.order.discount`, order['discount'], false);
  if (!discount.ok) return discount;
  const items = itemsCheck(order, india, brazil);
  if (!items.ok) return items;
  const t = total.value!;
  const all = [t, subtotal.value!, tax.value!, shipping.value, discount.value].filter((m): m is Money => m !== undefined);
  const expected = subtotal.value!.value + tax.value!.value + (shipping.value?.value ?? 0) - (discount.value?.value ?? 0);
  const g = first(
    () => (all.some((m) => m.offset !== t.offset) ? invalid(`${P}.order`, 'amounts must all use the same offset as total_amount') : undefined),
    () => (['INR', 'BRL'].includes(p['currency']) && t.offset !== 100 ? invalid(`${P}.total_amount.offset`, `must be 100 for ${p['currency']}`) : undefined),
    () => (t.value <= 0 ? invalid(`${P}.total_amount.value`, 'must be positive') : undefined),
    () =>
      items.value !== subtotal.value!.value
        ? invalid(
            `${P}.order.subtotal.value`,
            `must equal the sum of item (sale_amount ?? amount) × quantity: expected ${items.value}, got ${subtotal.value!.value}`,
          )
        : undefined,
    () =>
      expected !== t.value
        ? invalid(`${P}.total_amount.value`, `must equal subtotal + tax + shipping − discount: expected ${expected}, got ${t.value}`)
        : undefined,
    () => text(`${P}.order.tax.description`, order['tax']['description'], 60, false),
    () => (india && p['type'] === 'physical-goods' ? shippingCheck(p) : undefined),
  );
  if (g) return { ok: false, error: g };
  const expiry = expirationOf(order, ctx, brazil);
  if (!expiry.ok) return expiry;
  const { paymentMode, gateway, configurationName, gatewayExtras } = payment.value;
  return okv({
    referenceId: p['reference_id'],
    paymentMode,
    gateway,
    configurationName,
    gatewayExtras,
    currency: p['currency'],
    total: t,
    expiresAt: expiry.value,
  });
}

/** Physical goods in India need where to ship: shipping_info (template variant) or beneficiaries. */
function shippingCheck(p: Obj): GraphFailure | undefined {
  const beneficiaries = p['beneficiaries'] ?? p['order']['beneficiaries'];
  if (isObj(p['shipping_info']))
    return Array.isArray(p['shipping_info']['addresses']) ? undefined : invalid(`${P}.shipping_info.addresses`, 'must be an array');
  if (beneficiaries === undefined) return missing(`${P}.beneficiaries (or shipping_info), required for physical-goods`);
  if (!Array.isArray(beneficiaries) || beneficiaries.length === 0) return invalid(`${P}.beneficiaries`, 'must be a non-empty array');
  for (const [i, b] of beneficiaries.entries()) {
    const path = `${P}.beneficiaries[${i}]`;
    const f = first(
      () => object(path, b),
      () => text(`${path}.name`, b['name'], 200),
      () => text(`${path}.address_line1`, b['address_line1'], 100),
      () => text(`${path}.city`, b['city'], 100),
      () => text(`${path}.state`, b['state'], 100),
      () => text(`${path}.country`, b['country'], 100),
      () => (/^\d{6}$/.test(String(b['postal_code'] ?? '')) ? undefined : invalid(`${path}.postal_code`, 'must be 6 digits')),
    );
    if (f) return f;
  }
  return undefined;
}

export function checkOrderDetailsAction(action: Obj, ctx: OrderCtx): Checked<OrderDraft> {
  if (action['name'] !== 'review_and_pay') return bad(131009, 'action.name must be review_and_pay for order_details');
  return checkOrderParameters(action['parameters'], ctx);
}

export function checkOrderStatusAction(action: Obj): Checked<OrderStatusDraft> {
  const p = action['parameters'];
  const f = first(
    () => (action['name'] === 'review_order' ? undefined : invalid('action.name', 'must be review_order for order_status')),
    () => object(P, p),
    () => (p['reference_id'] === undefined ? missing(`${P}.reference_id`) : undefined),
    () =>
      typeof p['reference_id'] === 'string' && /^[A-Za-z0-9_.-]{1,60}$/.test(p['reference_id'])
        ? undefined
        : invalid(`${P}.reference_id`, 'is not a valid reference_id'),
    () => object(`${P}.order`, p['order']),
    () => (p['order']['status'] === undefined ? missing(`${P}.order.status`) : undefined),
    () => (ORDER_STATUSES.includes(p['order']['status']) ? undefined : invalid(`${P}.order.status`, `must be one of ${ORDER_STATUSES.join(', ')}`)),
    () => text(`${P}.order.description`, p['order']['description'], 120, false),
  );
  if (f) return { ok: false, error: f };
  const status = (p['order']['status'] === 'partially_shipped' ? 'partially-shipped' : p['order']['status']) as OrderStatus;
  return okv({ referenceId: p['reference_id'], status });
}

const MIDDLE: ReadonlySet<OrderStatus> = new Set(['processing', 'partially-shipped', 'shipped']);

/**
 * Meta's order_status rules (§3.4): pending → anything; processing, shipped and
 * partially-shipped among themselves or to a terminal state; completed and canceled are
 * terminal. Canceling while a payment is pending or successful is 2047.
 */
export function transitionError(from: OrderStatus, to: OrderStatus, paymentInFlightOrDone: boolean): 2046 | 2047 | null {
  if (from === 'completed' || from === 'canceled') return 2046;
  if (MIDDLE.has(from) && to === 'pending') return 2046;
  if (to === 'canceled' && paymentInFlightOrDone) return 2047;
  return null;
}
