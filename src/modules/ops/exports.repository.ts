// Pages of orders, payments and refunds for CSV exports: one merchant, created_at in
// [from, to), ordered by (created_at, id) and continued after the last row of the
// previous page (keyset pagination), so a 100k-row export is many small indexed
// queries and never one result held in memory.
import type { Queryable } from '../../platform/store/db.ts';
import type { OrderRow } from '../orders/index.ts';
import type { PaymentRow } from '../orders/index.ts';
import type { RefundRow } from '../payments/index.ts';

export interface ExportPage {
  merchantId: string;
  from: Date;
  to: Date;
  /** The cursor of the last row of the previous page; undefined for the first page. */
  after?: ExportCursor | undefined;
  limit: number;
}

/**
 * Where a page ended. created_at travels as the database's own text form: timestamptz
 * keeps microseconds and a JS Date only milliseconds, so a Date cursor could repeat or
 * skip rows created within the same millisecond.
 */
export interface ExportCursor {
  ts: string;
  id: string;
}

export interface Cursored {
  export_cursor: string;
}

/** Payments and refunds carry their order's customer, which is what an accountant or CRM matches on. */
export interface Customer {
  customer_wa_id: string;
  customer_name: string | null;
}

// Two shapes rather than `$4 is null or (…) > (…)`: with the OR the row comparison is a
// filter, and every page would rescan from `from`; alone it is an index range start.
const keyset = (alias: string, p: ExportPage) =>
  `${alias}.merchant_id = $1 and ${alias}.created_at >= $2 and ${alias}.created_at < $3
   ${p.after ? `and (${alias}.created_at, ${alias}.id) > ($5::timestamptz, $6::text)` : ''}
   order by ${alias}.created_at, ${alias}.id limit $4`;

const params = (p: ExportPage) => [p.merchantId, p.from, p.to, p.limit, ...(p.after ? [p.after.ts, p.after.id] : [])];

export async function exportOrdersPage(q: Queryable, p: ExportPage): Promise<(OrderRow & Cursored)[]> {
  return q.query(`select o.*, o.created_at::text as export_cursor from orders o where ${keyset('o', p)}`, params(p));
}

export async function exportPaymentsPage(q: Queryable, p: ExportPage): Promise<(PaymentRow & Customer & Cursored)[]> {
  return q.query(
    `select p.*, p.created_at::text as export_cursor, o.customer_wa_id, o.customer_name from payments p join orders o on o.id = p.order_id and o.merchant_id = p.merchant_id
      where ${keyset('p', p)}`,
    params(p),
  );
}

export async function exportRefundsPage(q: Queryable, p: ExportPage): Promise<(RefundRow & Customer & Cursored)[]> {
  return q.query(
    `select r.*, r.created_at::text as export_cursor, o.customer_wa_id, o.customer_name from refunds r join orders o on o.id = r.order_id and o.merchant_id = r.merchant_id
      where ${keyset('r', p)}`,
    params(p),
  );
}
