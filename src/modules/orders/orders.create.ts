// Creating an order: price it from the catalog (our products table is the price of
// record), check the totals and the payment route, then write the order, its first
// payment attempt, the event and the jobs (expiry, bill) in one transaction.
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { isCurrency } from '../../domain/money.ts';
import { computeTotals, type LineInput } from '../../domain/order/order.totals.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { allows } from '../../domain/roles.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getMerchant } from '../merchants/index.ts';
import { insertOrder, type OrderItem, type OrderRow } from './orders.repository.ts';
import { insertPayment, type PaymentRow } from './payment-attempts.repository.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { displayName, resolveCustomer, type CustomerRef } from '../customers/index.ts';
import type { MerchantSettings } from '../merchants/index.ts';
import { checkPaymentRoute, COD_PROVIDER, type PaymentMethod } from './orders.payment-methods.ts';

export interface CreateOrderInput {
  /** "cus_…", {wa_id, name?} (a new number makes a new customer) or {bsuid, name?}. */
  customer: CustomerRef;
  currency: string;
  items: { retailer_id?: string | undefined; name?: string | undefined; amount?: number | undefined; sale_amount?: number | undefined; quantity: number }[];
  tax?: { amount: number; description?: string | undefined } | undefined;
  shipping?: { amount: number; description?: string | undefined } | undefined;
  discount?: { amount: number; description?: string | undefined } | undefined;
  goods_type?: 'digital-goods' | 'physical-goods' | undefined;
  shipping_address?: Record<string, string | undefined> | undefined;
  /** Omitted, or without a method: the merchant's default payment (settings), else a payment link. */
  payment?: { method?: PaymentMethod | undefined; provider?: string | undefined } | undefined;
  expires_in?: number | undefined;
  send?: boolean | undefined;
  metadata?: Record<string, string> | undefined;
  /** A cart's physical goods: the address is asked in the chat before the bill goes (WhatsApp bills need it). */
  address_later?: boolean | undefined;
  /** Set by reorder: the order this one replaces. */
  reordered_from?: string | undefined;
  /** Set by a checkout link's page: where the order was made, and the link (chl_…). */
  source?: 'checkout_link' | undefined;
  checkout_link_id?: string | undefined;
}

export const DEFAULT_EXPIRES_IN = 86_400;

const invalid = (message: string, path: string) => err(domainError('validation_error', message, { path }));

async function priceItems(tx: Tx, merchantId: string, input: CreateOrderInput): Promise<Result<Omit<OrderItem, 'line_total'>[]>> {
  const ids = [...new Set(input.items.map((i) => i.retailer_id).filter((x): x is string => !!x))];
  const catalog = new Map((await getProductsByRetailerIds(tx, merchantId, ids)).map((p) => [p.retailer_id, p]));
  const out: Omit<OrderItem, 'line_total'>[] = [];
  for (const [i, item] of input.items.entries()) {
    const product = item.retailer_id ? catalog.get(item.retailer_id) : undefined;
    if (product) {
      if (!product.active) return invalid(`items.${i}: product ${product.retailer_id} is not active`, `items.${i}.retailer_id`);
      if (product.currency !== input.currency) {
        return invalid(`items.${i}: product ${product.retailer_id} is priced in ${product.currency}, not ${input.currency}`, `items.${i}.retailer_id`);
      }
      if (item.amount !== undefined && item.amount !== product.price) {
        return invalid(`items.${i}.amount: the catalog price of ${product.retailer_id} is ${product.price}; omit amount to use it`, `items.${i}.amount`);
      }
      out.push({
        retailer_id: product.retailer_id,
        product_id: product.id,
        name: item.name ?? product.name,
        amount: product.price,
        sale_amount: item.sale_amount ?? null,
        quantity: item.quantity,
      });
    } else {
      if (item.name === undefined || item.amount === undefined) {
        return item.retailer_id
          ? invalid(
              `items.${i}.retailer_id: no product ${item.retailer_id} in the catalog (give name and amount for an item outside it)`,
              `items.${i}.retailer_id`,
            )
          : invalid(`items.${i}: an item outside the catalog needs name and amount`, `items.${i}`);
      }
      out.push({
        retailer_id: item.retailer_id ?? null,
        product_id: null,
        name: item.name,
        amount: item.amount,
        sale_amount: item.sale_amount ?? null,
        quantity: item.quantity,
      });
    }
  }
  return ok(out);
}

/** The amounts an order names itself rather than taking from the catalog (a role without orders.price may not). */
function amountsOfOwn(input: CreateOrderInput): string[] {
  const found = input.items.flatMap((item, i) => [
    ...(item.amount !== undefined ? [`items.${i}.amount`] : []),
    ...(item.sale_amount !== undefined ? [`items.${i}.sale_amount`] : []),
  ]);
  for (const k of ['tax', 'shipping', 'discount'] as const) if (input[k] !== undefined) found.push(k);
  return found;
}

/** The bill's method: the one asked for, else the merchant's default, else a payment link. */
export function methodOf(input: Pick<CreateOrderInput, 'payment'>, settings: MerchantSettings): PaymentMethod {
  return input.payment?.method ?? (settings.default_payment?.method as PaymentMethod | undefined) ?? 'payment_link';
}

/** Who serves the bill: the provider of the method × provider table, or nobody for cash on delivery. */
export function routeOf(
  ctx: AppContext,
  method: PaymentMethod,
  input: { payment?: { provider?: string | undefined } | undefined; currency: string },
  settings: MerchantSettings,
): Result<string> {
  if (method === 'cash_on_delivery') {
    // Paid to the merchant's staff on delivery and recorded by them (POST /v1/orders/{id}/record-payment).
    if (input.payment?.provider !== undefined) return invalid('payment.provider: cash_on_delivery takes no provider (omit it)', 'payment.provider');
    return ok(COD_PROVIDER);
  }
  const provider = input.payment?.provider ?? (settings.default_payment?.method === method ? settings.default_payment.provider : undefined);
  if (!provider) return invalid('payment.provider is required: this merchant has no default provider for this method', 'payment.provider');
  return checkPaymentRoute(ctx.mode, method, provider, input.currency);
}

export async function createOrder(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  input: CreateOrderInput,
  /** The merchant's settings when the caller has them already (the request read them with its key): one read less. */
  known: { settings?: MerchantSettings | undefined } = {},
): Promise<Result<{ order: OrderRow; payment: PaymentRow }>> {
  const ownAmounts = amountsOfOwn(input);
  if (ownAmounts.length > 0 && actor.principal && !allows(actor.principal, 'orders.price')) {
    return err(
      domainError(
        'forbidden',
        `Your role (${actor.principal.role}) bills catalog-priced items only: remove ${ownAmounts.join(', ')} (an owner or admin can set amounts of their own)`,
        { permission: 'orders.price', fields: ownAmounts },
      ),
    );
  }
  if (!isCurrency(input.currency)) return invalid(`currency: ${input.currency} is not an ISO 4217 currency`, 'currency');
  const goodsType = input.goods_type ?? 'digital-goods';
  const settings = known.settings ?? ((await getMerchant(tx, merchantId))?.settings as MerchantSettings | undefined);
  if (!settings) return err(domainError('not_found', 'merchant not found'));
  const method = methodOf(input, settings);
  if (goodsType === 'physical-goods' && method !== 'payment_link' && !input.shipping_address && !input.address_later) {
    return invalid('shipping_address is required for physical-goods billed on WhatsApp', 'shipping_address');
  }
  const route = routeOf(ctx, method, input, settings);
  if (!route.ok) return route;

  const customer = await resolveCustomer(ctx, tx, merchantId, input.customer, { create: true });
  if (!customer.ok) return customer;
  const c = customer.value;
  const typedName = typeof input.customer === 'string' ? undefined : input.customer.name;

  const priced = await priceItems(tx, merchantId, input);
  if (!priced.ok) return priced;
  const totals = computeTotals({
    items: priced.value.map((i): LineInput => ({ amount: i.amount, sale_amount: i.sale_amount, quantity: i.quantity })),
    tax: input.tax?.amount ?? 0,
    shipping: input.shipping?.amount ?? 0,
    discount: input.discount?.amount ?? 0,
  });
  if (!totals.ok) return totals;

  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + (input.expires_in ?? DEFAULT_EXPIRES_IN) * 1000);
  const orderId = newId('ord');
  const paymentId = newId('pay');
  const items: OrderItem[] = priced.value.map((i, n) => ({ ...i, line_total: totals.value.lines[n]!.line_total }));
  const order = await insertOrder(tx, {
    id: orderId,
    merchant_id: merchantId,
    status: 'pending',
    payment_status: 'unpaid',
    currency: input.currency,
    items,
    subtotal: totals.value.subtotal,
    tax: totals.value.tax,
    tax_description: input.tax?.description ?? null,
    shipping: totals.value.shipping,
    shipping_description: input.shipping?.description ?? null,
    discount: totals.value.discount,
    discount_description: input.discount?.description ?? null,
    total: totals.value.total,
    customer_id: c.id,
    customer_bsuid: c.bsuid,
    customer_wa_id: c.wa_id,
    customer_name: typedName ?? displayName(c),
    goods_type: goodsType,
    shipping_address: (input.shipping_address as Record<string, unknown> | undefined) ?? null,
    // The attempt inserted next: its id is ours to choose, so the order names it at once.
    current_payment_id: paymentId,
    expires_at: expiresAt,
    metadata: input.metadata ?? {},
    reordered_from: input.reordered_from ?? null,
    source: input.source ?? null,
    checkout_link_id: input.checkout_link_id ?? null,
    now,
  });
  const payment = await insertPayment(tx, {
    id: paymentId,
    merchant_id: merchantId,
    order_id: orderId,
    method,
    provider: route.value,
    status: 'created',
    amount: order.total,
    currency: order.currency,
    // Only payment links have our hosted page; WhatsApp-native bills are paid in the chat.
    pay_token: method === 'payment_link' ? newSecretToken(24) : null,
    expires_at: expiresAt,
    now,
  });
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.created',
    data: {
      total: order.total,
      currency: order.currency,
      ...(order.reordered_from ? { reordered_from: order.reordered_from } : {}),
      ...(order.checkout_link_id ? { source: order.source, checkout_link_id: order.checkout_link_id } : {}),
      payment_id: payment.id,
      reference_id: payment.reference_id,
      method: payment.method,
      provider: payment.provider,
    },
    // The expiry and the bill, queued by the event's own statement.
    jobs: [
      { kind: 'order.expire', merchantId, payload: { order_id: orderId }, runAt: expiresAt, dedupeKey: `order.expire:${orderId}` },
      ...((input.send ?? true)
        ? [{ kind: 'bill.send', merchantId, payload: { order_id: orderId, payment_id: payment.id }, runAt: now, dedupeKey: `bill.send:${payment.id}` }]
        : []),
    ],
  });
  return ok({ order, payment });
}
