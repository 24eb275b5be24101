// order_details and order_status (whatsapp.md §3). Inputs are our integer minor units; every
// amount goes out as {value, offset} from toWhatsAppAmount, and the arithmetic Meta checks
// (subtotal, total) is re-checked on those pairs before anything is sent.
import { REFERENCE_ID_PATTERN } from '../../domain/ids.ts';
import { isCurrency, isMinorAmount, toWhatsAppAmount } from '../../domain/money.ts';
import { ok, type Result } from '../../domain/result.ts';
import { checkText, envelope, interactiveShell, LIMITS, refuse, type Built, type Envelope } from './message.common.ts';
import {
  beneficiaries,
  importerAddress,
  paymentFields,
  shippingInfo,
  type BeneficiaryInput,
  type ImporterAddressInput,
  type PaymentSettingsInput,
  type ShippingInfoInput,
} from './order-details.parts.ts';

export type GoodsType = 'digital-goods' | 'physical-goods';
type WaAmount = { value: number; offset: number };

export interface OrderItemInput {
  retailerId?: string;
  name: string;
  /** Unit price in minor units. */
  amount: number;
  /** Reduced unit price in minor units; must be less than amount. */
  saleAmount?: number;
  quantity: number;
  countryOfOrigin?: string;
  importerName?: string;
  importerAddress?: ImporterAddressInput;
}

export interface OrderDetailsInput {
  referenceId: string;
  goodsType: GoodsType;
  currency: string;
  payment: PaymentSettingsInput;
  /** India, interactive message: required for physical goods. */
  beneficiaries?: BeneficiaryInput[];
  /** Template (checkout button) variant only: required for physical goods. */
  shippingInfo?: ShippingInfoInput;
  /** Must be 'pending' when given: order_details always starts an order. */
  status?: string;
  quickPay?: boolean;
  catalogId?: string;
  /** Unix seconds; at least 300 s after `now`. */
  expiration?: { timestamp: number; description?: string };
  items: OrderItemInput[];
  /** Computed when omitted; checked when given. All amounts in minor units. */
  subtotal?: number;
  tax?: number;
  taxDescription?: string;
  shipping?: number;
  shippingDescription?: string;
  discount?: number;
  discountDescription?: string;
  discountProgramName?: string;
  /** Computed when omitted; checked when given. */
  total?: number;
}

export interface OrderDetailsMessageInput extends Envelope, OrderDetailsInput {
  body: string;
  footer?: string;
  /** Optional image header; by default WhatsApp shows the first product's image. */
  headerImageUrl?: string;
}

type Variant = 'interactive' | 'template';

// Σ over {value, offset} pairs rescaled to the finest offset, in BigInt so nothing rounds.
function scaled(a: WaAmount, to: number): bigint {
  return BigInt(a.value) * (BigInt(to) / BigInt(a.offset));
}

function money(path: string, minor: unknown, currency: string, allowZero: boolean): Result<WaAmount> {
  if (!isMinorAmount(minor, { allowZero })) {
    return refuse(path, `${path} must be a ${allowZero ? 'non-negative' : 'positive'} integer amount in minor units`);
  }
  return ok(toWhatsAppAmount(minor, currency));
}

function withDescription(path: string, a: WaAmount, description: string | undefined, key = 'description'): Result<Record<string, unknown>> {
  const bad = checkText(path, description, LIMITS.amountDescription, false);
  if (bad) return bad;
  return ok(description === undefined ? { ...a } : { ...a, [key]: description });
}

function buildItems(input: OrderDetailsInput): Result<{ items: Record<string, unknown>[]; sum: bigint; offset: number }> {
  const { items, currency, catalogId } = input;
  if (!Array.isArray(items) || items.length === 0) return refuse('items', 'an order needs at least one item');
  if (items.length > LIMITS.orderItems) return refuse('items', `an order carries at most ${LIMITS.orderItems} items`);
  const out: Record<string, unknown>[] = [];
  let sum = 0n;
  let offset = 1;
  for (const [i, item] of items.entries()) {
    const at = `items.${i}`;
    if (typeof item !== 'object' || item === null) return refuse(at, `${at} must be an object`);
    const wire: Record<string, unknown> = {};
    if (item.retailerId !== undefined || currency === 'BRL') {
      const bad = checkText(`${at}.retailerId`, item.retailerId, 100); // required in Brazil
      if (bad) return bad;
      wire.retailer_id = item.retailerId;
    }
    const name = checkText(`${at}.name`, item.name, LIMITS.itemName);
    if (name) return name;
    wire.name = item.name;
    const amount = money(`${at}.amount`, item.amount, currency, false);
    if (!amount.ok) return amount;
    wire.amount = amount.value;
    let unit = amount.value;
    if (item.saleAmount !== undefined) {
      const sale = money(`${at}.saleAmount`, item.saleAmount, currency, false);
      if (!sale.ok) return sale;
      if (scaled(sale.value, amount.value.offset) >= BigInt(amount.value.value)) {
        return refuse(`${at}.saleAmount`, `${at}.saleAmount must be less than amount`);
      }
      wire.sale_amount = sale.value;
      unit = sale.value;
    }
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) return refuse(`${at}.quantity`, `${at}.quantity must be a positive integer`);
    wire.quantity = item.quantity;
    // Without a catalog, Meta needs the legal-metrology fields on every item.
    const needImporter = catalogId === undefined;
    const origin = checkText(`${at}.countryOfOrigin`, item.countryOfOrigin, 100, needImporter);
    if (origin) return origin;
    const importer = checkText(`${at}.importerName`, item.importerName, 200, needImporter);
    if (importer) return importer;
    if (item.countryOfOrigin !== undefined) wire.country_of_origin = item.countryOfOrigin;
    if (item.importerName !== undefined) wire.importer_name = item.importerName;
    if (needImporter || item.importerAddress !== undefined) {
      const addr = importerAddress(`${at}.importerAddress`, item.importerAddress);
      if (!addr.ok) return addr;
      wire.importer_address = addr.value;
    }
    offset = unit.offset;
    sum += BigInt(unit.value) * BigInt(item.quantity);
    out.push(wire);
  }
  return ok({ items: out, sum, offset });
}

/** The `parameters` object of order_details (interactive) or `order_details` (template button). */
export function orderDetailsParameters(input: OrderDetailsInput, now: Date, variant: Variant = 'interactive'): Built {
  if (typeof input !== 'object' || input === null) return refuse('order', 'order details are required');
  if (typeof input.referenceId !== 'string' || !REFERENCE_ID_PATTERN.test(input.referenceId)) {
    return refuse('referenceId', 'referenceId must be 1-35 characters of A-Z, a-z, 0-9, "_", "-" or "."');
  }
  if (input.goodsType !== 'digital-goods' && input.goodsType !== 'physical-goods') {
    return refuse('goodsType', 'goodsType must be digital-goods or physical-goods');
  }
  if (typeof input.currency !== 'string' || !isCurrency(input.currency)) return refuse('currency', 'currency must be an ISO 4217 code');
  if (input.status !== undefined && input.status !== 'pending') return refuse('status', 'order.status in order_details must be pending');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return refuse('now', 'now must be a valid Date');

  const params: Record<string, unknown> = { reference_id: input.referenceId, type: input.goodsType };
  const physical = input.goodsType === 'physical-goods';
  if (variant === 'interactive') {
    if (input.shippingInfo !== undefined) return refuse('shippingInfo', 'shippingInfo belongs to the checkout-button template; use beneficiaries');
    if (physical && input.currency === 'INR') {
      const b = beneficiaries(input.beneficiaries);
      if (!b.ok) return b;
      params.beneficiaries = b.value;
    } else if (input.beneficiaries !== undefined) {
      return refuse('beneficiaries', 'beneficiaries apply only to physical goods paid in INR');
    }
  } else if (input.beneficiaries !== undefined) {
    return refuse('beneficiaries', 'the checkout-button template takes shippingInfo, not beneficiaries');
  }
  const pay = paymentFields(input.payment);
  if (!pay.ok) return pay;
  Object.assign(params, pay.value);
  params.currency = input.currency;
  if (variant === 'template' && physical) {
    const s = shippingInfo(input.shippingInfo);
    if (!s.ok) return s;
    params.shipping_info = s.value;
  } else if (variant === 'template' && input.shippingInfo !== undefined) {
    return refuse('shippingInfo', 'shippingInfo applies only to physical goods');
  }

  const order: Record<string, unknown> = { status: 'pending' };
  if (input.quickPay === true) order.type = 'quick_pay';
  if (input.catalogId !== undefined) {
    if (typeof input.catalogId !== 'string' || !/^\d{1,32}$/.test(input.catalogId)) return refuse('catalogId', 'catalogId must be a numeric id');
    order.catalog_id = input.catalogId;
  }
  if (input.expiration !== undefined) {
    const { timestamp, description } = input.expiration;
    if (!Number.isSafeInteger(timestamp)) return refuse('expiration.timestamp', 'expiration.timestamp must be integer unix seconds');
    if (timestamp < Math.floor(now.getTime() / 1000) + LIMITS.minExpirySeconds) {
      return refuse('expiration.timestamp', `expiration must be at least ${LIMITS.minExpirySeconds} seconds after now`);
    }
    const bad = checkText('expiration.description', description, LIMITS.expirationDescription, variant === 'interactive');
    if (bad) return bad;
    order.expiration = description === undefined ? { timestamp: String(timestamp) } : { timestamp: String(timestamp), description };
  }
  const items = buildItems(input);
  if (!items.ok) return items;
  order.items = items.value.items;

  const c = input.currency;
  const subtotal = money('subtotal', input.subtotal ?? Number(items.value.sum), c, false);
  if (!subtotal.ok) return subtotal;
  const itemsOffset = items.value.offset;
  if (subtotal.value.offset !== itemsOffset || BigInt(subtotal.value.value) !== items.value.sum) {
    return refuse('subtotal', 'subtotal must equal the sum of (sale amount or amount) × quantity');
  }
  const tax = money('tax', input.tax ?? 0, c, true);
  if (!tax.ok) return tax;
  const shipping = input.shipping === undefined ? undefined : money('shipping', input.shipping, c, true);
  if (shipping && !shipping.ok) return shipping;
  const discount = input.discount === undefined ? undefined : money('discount', input.discount, c, true);
  if (discount && !discount.ok) return discount;

  order.subtotal = subtotal.value;
  const taxWire = withDescription('taxDescription', tax.value, input.taxDescription);
  if (!taxWire.ok) return taxWire;
  order.tax = taxWire.value;
  if (shipping) {
    const w = withDescription('shippingDescription', shipping.value, input.shippingDescription);
    if (!w.ok) return w;
    order.shipping = w.value;
  } else if (input.shippingDescription !== undefined) return refuse('shippingDescription', 'shippingDescription needs a shipping amount');
  if (discount) {
    const w = withDescription('discountDescription', discount.value, input.discountDescription);
    if (!w.ok) return w;
    const prog = checkText('discountProgramName', input.discountProgramName, LIMITS.amountDescription, false);
    if (prog) return prog;
    order.discount = input.discountProgramName === undefined ? w.value : { ...w.value, discount_program_name: input.discountProgramName };
  } else if (input.discountDescription !== undefined || input.discountProgramName !== undefined) {
    return refuse('discountDescription', 'a discount description needs a discount amount');
  }

  // total = subtotal + tax + shipping − discount, checked on the {value, offset} pairs.
  const parts = [subtotal.value, tax.value, shipping?.value, discount?.value].filter((a): a is WaAmount => a !== undefined);
  const fine = Math.max(...parts.map((a) => a.offset));
  const expected =
    scaled(subtotal.value, fine) + scaled(tax.value, fine) + (shipping ? scaled(shipping.value, fine) : 0n) - (discount ? scaled(discount.value, fine) : 0n);
  if (expected <= 0n) return refuse('discount', 'the discount leaves nothing to pay');
  const total = money('total', input.total ?? Number(expected / (BigInt(fine) / BigInt(subtotal.value.offset))), c, false);
  if (!total.ok) return total;
  if (scaled(total.value, fine) !== expected) return refuse('total', 'total must equal subtotal + tax + shipping − discount');

  if (variant === 'interactive') {
    params.total_amount = total.value;
    params.order = order;
  } else {
    params.order = order;
    params.total_amount = total.value;
  }
  return ok(params);
}

export function orderDetailsMessage(input: OrderDetailsMessageInput, opts: { now: Date }): Built {
  if (typeof input !== 'object' || input === null) return refuse('order', 'order details are required');
  const params = orderDetailsParameters(input, opts?.now, 'interactive');
  if (!params.ok) return params;
  const shell = interactiveShell('order_details', { body: input.body, footer: input.footer }, { body: true });
  if (!shell.ok) return shell;
  const { type, ...rest } = shell.value;
  const interactive: Record<string, unknown> = { type };
  if (input.headerImageUrl !== undefined) {
    if (typeof input.headerImageUrl !== 'string' || !/^https?:\/\/\S+$/.test(input.headerImageUrl)) {
      return refuse('headerImageUrl', 'headerImageUrl must be an http(s) URL');
    }
    interactive.header = { type: 'image', image: { link: input.headerImageUrl } };
  }
  Object.assign(interactive, rest, { action: { name: 'review_and_pay', parameters: params.value } });
  return envelope(input, 'interactive', interactive);
}
