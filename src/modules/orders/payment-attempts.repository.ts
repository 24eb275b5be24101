import { newReferenceId } from '../../domain/ids.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  order_id: string;
  reference_id: string;
  method: string;
  provider: string;
  status: string;
  amount: number;
  currency: string;
  pay_token: string | null;
  provider_object_id: string | null;
  provider_payment_id: string | null;
  counted: boolean;
  flags: Record<string, unknown>;
  checkout_url: string | null;
  upi_intent: string | null;
  expires_at: Date;
  captured_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type PaymentInsert = Pick<
  PaymentRow,
  'id' | 'merchant_id' | 'order_id' | 'reference_id' | 'method' | 'provider' | 'status' | 'amount' | 'currency' | 'pay_token' | 'expires_at'
> & { now: Date };

/**
 * Inserts a payment attempt. Without a reference id it takes a new one of the merchant's: one
 * round trip, and another only in the astronomically rare case that the reference is already
 * taken (the unique key says so; no select before the insert). A given reference id that is
 * taken is the unique key's error.
 */
export async function insertPayment(q: Queryable, p: Omit<PaymentInsert, 'reference_id'> & { reference_id?: string }): Promise<PaymentRow> {
  for (;;) {
    const row = (
      await q.query<PaymentRow>(
        `insert into payments (id, merchant_id, order_id, reference_id, method, provider, status, amount, currency, pay_token, expires_at, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         ${p.reference_id ? '' : 'on conflict (merchant_id, reference_id) do nothing'} returning *`,
        [
          p.id,
          p.merchant_id,
          p.order_id,
          p.reference_id ?? newReferenceId(),
          p.method,
          p.provider,
          p.status,
          p.amount,
          p.currency,
          p.pay_token,
          p.expires_at,
          p.now,
        ],
      )
    )[0];
    if (row) return row;
  }
}

export async function listPaymentsForOrder(q: Queryable, merchantId: string, orderId: string): Promise<PaymentRow[]> {
  return q.query<PaymentRow>(`select * from payments where merchant_id = $1 and order_id = $2 order by id`, [merchantId, orderId]);
}

export async function getPayment(q: Queryable, merchantId: string, id: string): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>(`select * from payments where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

export async function setPaymentStatus(q: Queryable, merchantId: string, id: string, status: string, now: Date): Promise<PaymentRow> {
  const rows = await q.query<PaymentRow>(`update payments set status = $3, updated_at = $4 where merchant_id = $1 and id = $2 returning *`, [
    merchantId,
    id,
    status,
    now,
  ]);
  return rows[0]!;
}

export async function getPaymentsByIds(q: Queryable, merchantId: string, ids: string[]): Promise<PaymentRow[]> {
  if (ids.length === 0) return [];
  return q.query<PaymentRow>(`select * from payments where merchant_id = $1 and id = any($2::text[])`, [merchantId, ids]);
}

export async function getPaymentByToken(q: Queryable, token: string): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>(`select * from payments where pay_token = $1`, [token]))[0];
}

export async function findPaymentByReference(q: Queryable, merchantId: string, referenceId: string): Promise<PaymentRow | undefined> {
  return (await q.query<PaymentRow>(`select * from payments where merchant_id = $1 and reference_id = $2`, [merchantId, referenceId]))[0];
}

export async function findPaymentByProviderObject(q: Queryable, merchantId: string, provider: string, objectId: string): Promise<PaymentRow | undefined> {
  return (
    await q.query<PaymentRow>(`select * from payments where merchant_id = $1 and provider = $2 and provider_object_id = $3`, [merchantId, provider, objectId])
  )[0];
}

export type PaymentPatch = Partial<
  Pick<PaymentRow, 'status' | 'provider_object_id' | 'provider_payment_id' | 'counted' | 'flags' | 'captured_at' | 'checkout_url' | 'upi_intent'>
>;

export async function updatePayment(q: Queryable, merchantId: string, id: string, patch: PaymentPatch, now: Date): Promise<PaymentRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params, new Set(['flags']));
  return (
    await q.query<PaymentRow>(`update payments set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0]!;
}

/** Locks the attempt if it has no provider object yet; false when one was already recorded. */
export async function lockAttemptWithoutObject(q: Queryable, id: string): Promise<boolean> {
  return (await q.query(`select id from payments where id = $1 and provider_object_id is null for update`, [id])).length === 1;
}
