// SQL of the double's bills and WhatsApp Pay: order_details orders by reference_id,
// the customer's payment transactions and the refunds made through Meta's API.
import type { OrderStatus, WaOrder, WaRefund, WaTransaction } from './wa.types.ts';
import type { Queryable } from '../host.ts';

const lock = (forUpdate?: boolean) => (forUpdate ? ' for update' : '');

export type NewOrder = Omit<WaOrder, 'updated_at'>;

/** Null when the reference is already taken on this number (Meta refuses reuse). */
export async function insertOrder(q: Queryable, o: NewOrder): Promise<WaOrder | null> {
  const rows = await q.query<WaOrder>(
    `insert into sandbox_wa_orders (phone_number_id, reference_id, wamid, wa_id, payment_mode, gateway, configuration_name, gateway_extras,
       currency, total_value, total_offset, status, expires_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
     on conflict do nothing returning *`,
    [
      o.phone_number_id,
      o.reference_id,
      o.wamid,
      o.wa_id,
      o.payment_mode,
      o.gateway,
      o.configuration_name,
      JSON.stringify(o.gateway_extras),
      o.currency,
      o.total_value,
      o.total_offset,
      o.status,
      o.expires_at,
      o.created_at,
    ],
  );
  return rows[0] ?? null;
}

export async function getOrder(q: Queryable, phoneNumberId: string, referenceId: string, forUpdate?: boolean): Promise<WaOrder | undefined> {
  return (
    await q.query<WaOrder>(`select * from sandbox_wa_orders where phone_number_id = $1 and reference_id = $2${lock(forUpdate)}`, [phoneNumberId, referenceId])
  )[0];
}

export async function listOrdersByReference(q: Queryable, phoneNumberId: string, refs: string[]): Promise<WaOrder[]> {
  if (refs.length === 0) return [];
  return q.query<WaOrder>(`select * from sandbox_wa_orders where phone_number_id = $1 and reference_id = any($2::text[])`, [phoneNumberId, refs]);
}

export async function setOrderStatus(q: Queryable, o: Pick<WaOrder, 'phone_number_id' | 'reference_id'>, status: OrderStatus, now: Date): Promise<void> {
  await q.query(`update sandbox_wa_orders set status = $3, updated_at = $4 where phone_number_id = $1 and reference_id = $2`, [
    o.phone_number_id,
    o.reference_id,
    status,
    now,
  ]);
}

// ---- transactions

export async function insertTransaction(q: Queryable, t: Omit<WaTransaction, 'seq' | 'updated_at'>): Promise<WaTransaction> {
  return (
    await q.query<WaTransaction>(
      `insert into sandbox_wa_transactions (id, phone_number_id, reference_id, pg_transaction_id, gateway, method, status,
         amount_value, amount_offset, currency, error, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning *`,
      [
        t.id,
        t.phone_number_id,
        t.reference_id,
        t.pg_transaction_id,
        t.gateway,
        t.method,
        t.status,
        t.amount_value,
        t.amount_offset,
        t.currency,
        t.error === null ? null : JSON.stringify(t.error),
        t.created_at,
      ],
    )
  )[0]!;
}

export async function updateTransaction(
  q: Queryable,
  id: string,
  status: WaTransaction['status'],
  error: WaTransaction['error'],
  now: Date,
): Promise<WaTransaction> {
  return (
    await q.query<WaTransaction>(`update sandbox_wa_transactions set status = $2, error = $3, updated_at = $4 where id = $1 returning *`, [
      id,
      status,
      error === null ? null : JSON.stringify(error),
      now,
    ])
  )[0]!;
}

/** Oldest first. */
export async function listTransactions(q: Queryable, phoneNumberId: string, referenceIds: string[]): Promise<WaTransaction[]> {
  if (referenceIds.length === 0) return [];
  return q.query<WaTransaction>(`select * from sandbox_wa_transactions where phone_number_id = $1 and reference_id = any($2::text[]) order by seq`, [
    phoneNumberId,
    referenceIds,
  ]);
}

// ---- refunds

export async function insertRefund(q: Queryable, r: Omit<WaRefund, 'seq' | 'updated_at'>): Promise<WaRefund> {
  return (
    await q.query<WaRefund>(
      `insert into sandbox_wa_refunds (id, transaction_id, amount_value, amount_offset, currency, speed_requested, speed_processed, status, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning *`,
      [r.id, r.transaction_id, r.amount_value, r.amount_offset, r.currency, r.speed_requested, r.speed_processed, r.status, r.created_at],
    )
  )[0]!;
}

export async function getRefund(q: Queryable, id: string, forUpdate?: boolean): Promise<WaRefund | undefined> {
  return (await q.query<WaRefund>(`select * from sandbox_wa_refunds where id = $1${lock(forUpdate)}`, [id]))[0];
}

/** Oldest first. */
export async function listRefunds(q: Queryable, transactionIds: string[]): Promise<WaRefund[]> {
  if (transactionIds.length === 0) return [];
  return q.query<WaRefund>(`select * from sandbox_wa_refunds where transaction_id = any($1::text[]) order by seq`, [transactionIds]);
}

export async function settleRefund(q: Queryable, id: string, status: 'success' | 'failed', now: Date): Promise<WaRefund> {
  return (await q.query<WaRefund>(`update sandbox_wa_refunds set status = $2, updated_at = $3 where id = $1 returning *`, [id, status, now]))[0]!;
}
