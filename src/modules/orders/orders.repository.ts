import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

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
  customer_wa_id: string;
  customer_name: string | null;
  goods_type: string;
  shipping_address: Record<string, unknown> | null;
  current_payment_id: string | null;
  review: Record<string, unknown> | null;
  cancel_reason: string | null;
  expires_at: Date;
  metadata: Record<string, string>;
  event_seq: number;
  created_at: Date;
  updated_at: Date;
}

export type OrderInsert = Omit<OrderRow, 'event_seq' | 'created_at' | 'updated_at' | 'amount_paid' | 'amount_refunded' | 'review' | 'cancel_reason'> & {
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
    'customer_wa_id',
    'customer_name',
    'goods_type',
    'shipping_address',
    'current_payment_id',
    'expires_at',
    'metadata',
  ] as const;
  const params: unknown[] = cols.map((c) => enc(c, o[c]));
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
  status?: string | undefined;
  payment_status?: string | undefined;
  wa_id?: string | undefined;
  created_gte?: Date | undefined;
  created_lt?: Date | undefined;
}

export async function listOrders(
  q: Queryable,
  merchantId: string,
  f: OrderFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<OrderRow[]> {
  return q.query<OrderRow>(
    `select * from orders
      where merchant_id = $1 and ($2::text is null or id < $2)
        and ($3::text is null or status = $3) and ($4::text is null or payment_status = $4)
        and ($5::text is null or customer_wa_id = $5)
        and ($6::timestamptz is null or created_at >= $6) and ($7::timestamptz is null or created_at < $7)
      order by id desc limit $8`,
    [
      merchantId,
      page.startingAfter ?? null,
      f.status ?? null,
      f.payment_status ?? null,
      f.wa_id ?? null,
      f.created_gte ?? null,
      f.created_lt ?? null,
      page.limit + 1,
    ],
  );
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

/** Unpaid orders whose expiry has passed: a safety net next to each order's scheduled expiry job. */
export async function listExpiredOpenOrders(q: Queryable, now: Date, limit: number): Promise<{ id: string; merchant_id: string }[]> {
  return q.query(
    `select id, merchant_id from orders where expires_at <= $1 and payment_status in ('unpaid', 'failed') and status = 'pending'
      order by expires_at limit $2`,
    [now, limit],
  );
}
