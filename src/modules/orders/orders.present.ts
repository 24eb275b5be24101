// Reads an order with its current payment attempt, for every route that answers with an order.
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { OrderRow } from './orders.repository.ts';
import { getPayment, getPaymentsByIds } from '../payments/payments.repository.ts';
import { presentOrder } from '../../platform/http/presenters.ts';

export async function presentOrderRow(ctx: AppContext, q: Queryable, order: OrderRow) {
  const current = order.current_payment_id ? await getPayment(q, order.merchant_id, order.current_payment_id) : undefined;
  return presentOrder(order, current, ctx.publicUrl);
}

export async function presentOrderRows(ctx: AppContext, q: Queryable, merchantId: string, orders: OrderRow[]) {
  const ids = orders.map((o) => o.current_payment_id).filter((x): x is string => !!x);
  const payments = new Map((await getPaymentsByIds(q, merchantId, ids)).map((p) => [p.id, p]));
  return orders.map((o) => presentOrder(o, o.current_payment_id ? payments.get(o.current_payment_id) : undefined, ctx.publicUrl));
}
