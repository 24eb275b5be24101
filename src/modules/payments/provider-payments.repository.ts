import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface ProviderPaymentRow {
  id: string;
  merchant_id: string;
  provider: string;
  provider_payment_id: string;
  payment_id: string | null;
  order_id: string | null;
  status: 'authorized' | 'pending' | 'captured' | 'failed' | 'refunded';
  amount: number;
  currency: string;
  reference_id: string | null;
  disposition: 'counted' | 'extra' | 'review' | null;
  review_reason: string | null;
  verified_by: 'webhook' | 'lookup' | null;
  captured_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Inserts the provider payment if new; returns the row either way, locked for update. */
export async function upsertProviderPayment(
  q: Queryable,
  p: {
    id: string;
    merchantId: string;
    provider: string;
    providerPaymentId: string;
    paymentId: string | null;
    orderId: string | null;
    status: ProviderPaymentRow['status'];
    amount: number;
    currency: string;
    referenceId: string | null;
    now: Date;
  },
): Promise<{ row: ProviderPaymentRow; created: boolean }> {
  const inserted = await q.query<ProviderPaymentRow>(
    `insert into provider_payments (id, merchant_id, provider, provider_payment_id, payment_id, order_id, status, amount, currency, reference_id, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
     on conflict (merchant_id, provider, provider_payment_id) do nothing returning *`,
    [p.id, p.merchantId, p.provider, p.providerPaymentId, p.paymentId, p.orderId, p.status, p.amount, p.currency, p.referenceId, p.now],
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const row = (
    await q.query<ProviderPaymentRow>(`select * from provider_payments where merchant_id = $1 and provider = $2 and provider_payment_id = $3 for update`, [
      p.merchantId,
      p.provider,
      p.providerPaymentId,
    ])
  )[0]!;
  return { row, created: false };
}

export async function updateProviderPayment(
  q: Queryable,
  id: string,
  patch: Partial<
    Pick<ProviderPaymentRow, 'status' | 'disposition' | 'review_reason' | 'verified_by' | 'captured_at' | 'amount' | 'currency' | 'payment_id' | 'order_id'>
  >,
  now: Date,
): Promise<ProviderPaymentRow> {
  const params: unknown[] = [id, now];
  const sets = setList(patch, params);
  return (await q.query<ProviderPaymentRow>(`update provider_payments set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1 returning *`, params))[0]!;
}

export async function listProviderPaymentsForOrder(q: Queryable, merchantId: string, orderId: string): Promise<ProviderPaymentRow[]> {
  return q.query<ProviderPaymentRow>(`select * from provider_payments where merchant_id = $1 and order_id = $2 order by id`, [merchantId, orderId]);
}

export async function getProviderPaymentByProviderId(
  q: Queryable,
  merchantId: string,
  provider: string,
  providerPaymentId: string,
): Promise<ProviderPaymentRow | undefined> {
  return (
    await q.query<ProviderPaymentRow>(`select * from provider_payments where merchant_id = $1 and provider = $2 and provider_payment_id = $3`, [
      merchantId,
      provider,
      providerPaymentId,
    ])
  )[0];
}
