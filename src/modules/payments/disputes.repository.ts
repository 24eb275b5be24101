import type { Queryable } from '../../platform/store/db.ts';

export interface DisputeRow {
  id: string;
  merchant_id: string;
  order_id: string | null;
  payment_id: string | null;
  provider: string;
  provider_dispute_id: string;
  provider_payment_id: string | null;
  amount: number | null;
  currency: string | null;
  status: 'open' | 'won' | 'lost';
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function upsertDispute(
  q: Queryable,
  d: Omit<DisputeRow, 'created_at' | 'updated_at'> & { now: Date },
): Promise<{ row: DisputeRow; previous: DisputeRow | undefined }> {
  const previous = (
    await q.query<DisputeRow>(`select * from disputes where merchant_id = $1 and provider = $2 and provider_dispute_id = $3 for update`, [
      d.merchant_id,
      d.provider,
      d.provider_dispute_id,
    ])
  )[0];
  if (previous) {
    const row = (
      await q.query<DisputeRow>(`update disputes set status = $2, reason = coalesce($3, reason), updated_at = $4 where id = $1 returning *`, [
        previous.id,
        d.status,
        d.reason,
        d.now,
      ])
    )[0]!;
    return { row, previous };
  }
  const row = (
    await q.query<DisputeRow>(
      `insert into disputes (id, merchant_id, order_id, payment_id, provider, provider_dispute_id, provider_payment_id, amount, currency, status, reason, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning *`,
      [
        d.id,
        d.merchant_id,
        d.order_id,
        d.payment_id,
        d.provider,
        d.provider_dispute_id,
        d.provider_payment_id,
        d.amount,
        d.currency,
        d.status,
        d.reason,
        d.now,
      ],
    )
  )[0]!;
  return { row, previous: undefined };
}

export async function getDispute(q: Queryable, merchantId: string, provider: string, providerDisputeId: string): Promise<DisputeRow | undefined> {
  return (
    await q.query<DisputeRow>(`select * from disputes where merchant_id = $1 and provider = $2 and provider_dispute_id = $3 for update`, [
      merchantId,
      provider,
      providerDisputeId,
    ])
  )[0];
}
