import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface RefundRow {
  id: string;
  merchant_id: string;
  order_id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  provider: string | null;
  provider_payment_id: string | null;
  provider_refund_id: string | null;
  kind: 'merchant' | 'extra_capture' | 'review';
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertRefund(
  q: Queryable,
  r: Pick<RefundRow, 'id' | 'merchant_id' | 'order_id' | 'payment_id' | 'amount' | 'currency' | 'reason' | 'provider' | 'provider_payment_id' | 'kind'> & {
    now: Date;
  },
): Promise<RefundRow> {
  return (
    await q.query<RefundRow>(
      `insert into refunds (id, merchant_id, order_id, payment_id, amount, currency, status, reason, provider, provider_payment_id, kind, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $11) returning *`,
      [r.id, r.merchant_id, r.order_id, r.payment_id, r.amount, r.currency, r.reason, r.provider, r.provider_payment_id, r.kind, r.now],
    )
  )[0]!;
}

export async function getRefund(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<RefundRow | undefined> {
  return (await q.query<RefundRow>(`select * from refunds where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id]))[0];
}

export async function findRefundByProviderId(q: Queryable, merchantId: string, provider: string, providerRefundId: string): Promise<RefundRow | undefined> {
  return (
    await q.query<RefundRow>(`select * from refunds where merchant_id = $1 and provider = $2 and provider_refund_id = $3 for update`, [
      merchantId,
      provider,
      providerRefundId,
    ])
  )[0];
}

export async function listRefundsForOrder(q: Queryable, merchantId: string, orderId: string): Promise<RefundRow[]> {
  return q.query<RefundRow>(`select * from refunds where merchant_id = $1 and order_id = $2 order by id`, [merchantId, orderId]);
}

export async function updateRefund(
  q: Queryable,
  id: string,
  patch: Partial<Pick<RefundRow, 'status' | 'provider_refund_id' | 'failure_reason'>>,
  now: Date,
): Promise<RefundRow> {
  const params: unknown[] = [id, now];
  const sets = setList(patch, params);
  return (await q.query<RefundRow>(`update refunds set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1 returning *`, params))[0]!;
}
