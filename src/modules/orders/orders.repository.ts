import type { Queryable } from '../../platform/store/db.ts';
import { containsPattern, setList } from '../../platform/store/sql.ts';

export interface OrderItem {
  retailer_id: string | null;
  product_id: string | null;
  name: string;
  amount: number;
  sale_amount: number | null;
  quantity: number;
  line_total: number;
}

export interface OrderRow {
  id: string;
  merchant_id: string;
  status: string;
  payment_status: string;
  currency: string;
  items: OrderItem[];
  subtotal: number;
  tax: number;
  tax_description: string | null;
  shipping: number;
  shipping_description: string | null;
  discount: number;
  discount_description: string | null;
  total: number;
  amount_paid: number;
  amount_refunded: number;
  /** The customer (customers module); null only for rows older than customers that had no number. */
  customer_id: string | null;
  /** The customer's identifiers and name as they were when the order was made. */
  customer_bsuid: string | null;
  customer_wa_id: string | null;
  customer_name: string | null;
  goods_type: string;
  shipping_address: Record<string, unknown> | null;
  current_payment_id: string | null;
  review: Record<string, unknown> | null;
  cancel_reason: string | null;
  expires_at: Date;
  metadata: Record<string, string>;
  /** The expired or canceled order this one replaces (POST /v1/orders/{id}/reorder). */
  reordered_from: string | null;
  /** Where the order was made: 'checkout_link' for a payer on /c/{slug}; null for the API, carts and flows. */
  source: string | null;
  /** The checkout link (chl_…) whose payer made it. */
  checkout_link_id: string | null;
  event_seq: number;
  created_at: Date;
  updated_at: Date;
}

export type OrderInsert = Omit<
  OrderRow,
  'event_seq' | 'created_at' | 'updated_at' | 'amount_paid' | 'amount_refunded' | 'review' | 'cancel_reason' | 'reordered_from' | 'source' | 'checkout_link_id'
> & {
  reordered_from?: string | null;
  source?: string | null;
  checkout_link_id?: string | null;
  now: Date;
};

const JSON_COLS = new Set(['items', 'shipping_address', 'metadata', 'review']);
const enc = (col: string, v: unknown) => (JSON_COLS.has(col) && v !== null && v !== undefined ? JSON.stringify(v) : v);

export async function insertOrder(q: Queryable, o: OrderInsert): Promise<OrderRow> {
  const cols = [
    'id',
    'merchant_id',
    'status',
    'payment_status',
    'currency',
    'items',
    'subtotal',
    'tax',
    'tax_description',
    'shipping',
    'shipping_description',
    'discount',
    'discount_description',
    'total',
    'customer_id',
    'customer_bsuid',
    'customer_wa_id',
    'customer_name',
    'goods_type',
    'shipping_address',
    'current_payment_id',
    'expires_at',
    'metadata',
    'reordered_from',
    'source',
    'checkout_link_id',
  ] as const;
  const params: unknown[] = cols.map((c) => enc(c, o[c] ?? null));
  params.push(o.now);
  return (
    await q.query<OrderRow>(
      `insert into orders (${cols.join(', ')}, created_at, updated_at)
       values (${cols.map((_, i) => `$${i + 1}`).join(', ')}, $${params.length}, $${params.length}) returning *`,
      params,
    )
  )[0]!;
}

export async function getOrder(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrderRow | undefined> {
  return (await q.query<OrderRow>(`select * from orders where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id]))[0];
}

export interface OrderFilter {
  /** Any of these statuses. */
  status?: readonly string[] | undefined;
  /** Any of these payment statuses. */
  payment_status?: readonly string[] | undefined;
  wa_id?: string | undefined;
  /** The customer (cus_…). */
  customer_id?: string | undefined;
  /** The customer holding this business-scoped user id now. */
  bsuid?: string | undefined;
  /** Made on this checkout link (chl_…). */
  checkout_link_id?: string | undefined;
  created_gte?: Date | undefined;
  created_lt?: Date | undefined;
  expires_gte?: Date | undefined;
  expires_lt?: Date | undefined;
  /** Case-insensitive substring of a reference id (any attempt's), the order id, the customer's name or number. */
  q?: string | undefined;
}

/**
 * One page of orders, newest first (ids sort by creation), after the cursor. Only the
 * filters given become conditions, so each query is planned for what it asks.
 */
export async function listOrders(
  q: Queryable,
  merchantId: string,
  f: OrderFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<OrderRow[]> {
  const params: unknown[] = [merchantId];
  const where = ['o.merchant_id = $1'];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (page.startingAfter !== undefined) add((p) => `o.id < ${p}`, page.startingAfter);
  if (f.status?.length) add((p) => `o.status = any(${p}::text[])`, f.status);
  if (f.payment_status?.length) add((p) => `o.payment_status = any(${p}::text[])`, f.payment_status);
  if (f.wa_id !== undefined) add((p) => `o.customer_wa_id = ${p}`, f.wa_id);
  if (f.customer_id !== undefined) add((p) => `o.customer_id = ${p}`, f.customer_id);
  if (f.bsuid !== undefined) add((p) => `o.customer_id in (select c.id from customers c where c.merchant_id = $1 and c.bsuid = ${p})`, f.bsuid);
  if (f.checkout_link_id !== undefined) add((p) => `o.checkout_link_id = ${p}`, f.checkout_link_id);
  if (f.created_gte) add((p) => `o.created_at >= ${p}`, f.created_gte);
  if (f.created_lt) add((p) => `o.created_at < ${p}`, f.created_lt);
  if (f.expires_gte) add((p) => `o.expires_at >= ${p}`, f.expires_gte);
  if (f.expires_lt) add((p) => `o.expires_at < ${p}`, f.expires_lt);
  if (f.q !== undefined && f.q !== '') {
    // The number is matched on its digits alone, so "+91 98765-43210" finds 919876543210.
    const digits = f.q.replace(/[\s+()-]/g, '');
    add(
      (p) => `(o.customer_name ilike ${p} escape '\\' or o.id ilike ${p} escape '\\'
          or exists (select 1 from payments pa where pa.order_id = o.id and pa.merchant_id = o.merchant_id and pa.reference_id ilike ${p} escape '\\')
          or o.customer_wa_id like $${params.length + 1} escape '\\')`,
      containsPattern(f.q),
    );
    params.push(containsPattern(/^\d+$/.test(digits) ? digits : f.q));
  }
  params.push(page.limit + 1);
  return q.query<OrderRow>(`select o.* from orders o where ${where.join(' and ')} order by o.id desc limit $${params.length}`, params);
}

// amount_paid and amount_refunded are not here: they are a projection of the ledger, written only by
// projectOrderAmounts (store/ledger.repository.ts) through app/ledger.ts postAndProject.
export type OrderPatch = Partial<Pick<OrderRow, 'status' | 'payment_status' | 'current_payment_id' | 'review' | 'cancel_reason' | 'expires_at'>>;

export async function updateOrder(q: Queryable, merchantId: string, id: string, patch: OrderPatch, now: Date): Promise<OrderRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params, JSON_COLS);
  const rows = await q.query<OrderRow>(`update orders set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params);
  if (!rows[0]) throw new Error(`order ${id} vanished during update`);
  return rows[0];
}

export async function setOrderShippingAddress(q: Queryable, merchantId: string, id: string, address: Record<string, unknown>, now: Date): Promise<OrderRow> {
  const rows = await q.query<OrderRow>(`update orders set shipping_address = $3, updated_at = $4 where merchant_id = $1 and id = $2 returning *`, [
    merchantId,
    id,
    JSON.stringify(address),
    now,
  ]);
  if (!rows[0]) throw new Error(`order ${id} vanished during update`);
  return rows[0];
}

/** A customer's latest open physical-goods order still without a delivery address. */
export async function findOrderAwaitingAddress(q: Queryable, merchantId: string, waId: string): Promise<OrderRow | undefined> {
  return (
    await q.query<OrderRow>(
      `select * from orders where merchant_id = $1 and customer_wa_id = $2 and goods_type = 'physical-goods' and shipping_address is null
          and status = 'pending' and payment_status in ('unpaid', 'failed')
        order by created_at desc, id desc limit 1`,
      [merchantId, waId],
    )
  )[0];
}

/** Unpaid orders whose expiry has passed: a safety net next to each order's scheduled expiry job. */
export async function listExpiredOpenOrders(q: Queryable, now: Date, limit: number): Promise<{ id: string; merchant_id: string }[]> {
  return q.query(
    `select id, merchant_id from orders where expires_at <= $1 and payment_status in ('unpaid', 'failed') and status = 'pending'
      order by expires_at limit $2`,
    [now, limit],
  );
}
