// What the sandbox PSP's settlement report reads: an account's captured payments (with
// their checkout's reference) and succeeded refunds made in a time range.
import type { PspAccount, PspPayment, PspRefund } from './psp.types.ts';
import type { Queryable } from '../host.ts';

export async function findAccountOfMerchant(q: Queryable, merchantId: string): Promise<PspAccount | undefined> {
  return (await q.query<PspAccount>(`select * from sandbox_psp_accounts where merchant_id = $1`, [merchantId]))[0];
}

export async function capturedPaymentsBetween(q: Queryable, accountId: string, from: Date, to: Date): Promise<(PspPayment & { reference_id: string })[]> {
  return q.query(
    `select p.*, c.reference_id from sandbox_psp_payments p join sandbox_psp_checkouts c on c.id = p.checkout_id
      where p.account_id = $1 and p.status in ('captured', 'refunded') and p.created_at >= $2 and p.created_at < $3
      order by p.created_at, p.id`,
    [accountId, from, to],
  );
}

export async function succeededRefundsBetween(q: Queryable, accountId: string, from: Date, to: Date): Promise<(PspRefund & { reference_id: string })[]> {
  return q.query(
    `select r.*, c.reference_id from sandbox_psp_refunds r
       join sandbox_psp_payments p on p.id = r.payment_id
       join sandbox_psp_checkouts c on c.id = p.checkout_id
      where r.account_id = $1 and r.status = 'succeeded' and r.created_at >= $2 and r.created_at < $3
      order by r.created_at, r.id`,
    [accountId, from, to],
  );
}
