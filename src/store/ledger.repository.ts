// The ledger tables (migration 0008). Only inserts and reads: the ledger is append-only
// (a trigger refuses UPDATE and DELETE too). The order amounts projected from it are
// written here as well, so the projection's SQL sits next to the postings it reads.
import type { LedgerEntry } from '../domain/ledger/postings.ts';
import { PAID_ACCOUNTS, REFUNDED_ACCOUNT } from '../domain/ledger/chart.ts';
import type { Queryable } from './db.ts';
import type { OrderRow } from './orders.repository.ts';

export interface LedgerTransactionRow {
  id: string;
  merchant_id: string;
  kind: string;
  external_key: string;
  order_id: string | null;
  provider: string | null;
  provider_payment_id: string | null;
  currency: string;
  event_at: Date;
  created_at: Date;
  metadata: Record<string, unknown>;
}

export interface LedgerPostingRow {
  transaction_id: string;
  line: number;
  merchant_id: string;
  account: string;
  order_id: string | null;
  currency: string;
  amount: number;
}

/**
 * Inserts the transaction and its postings, or nothing when its external key was booked
 * before (then the existing transaction is returned with created = false).
 */
export async function insertLedgerTransaction(q: Queryable, merchantId: string, id: string, e: LedgerEntry, now: Date): Promise<{ row: LedgerTransactionRow; created: boolean }> {
  // One statement, one round trip: the transaction row and all its lines (no lines when the key existed).
  const inserted = await q.query<LedgerTransactionRow>(
    `with t as (
       insert into ledger_transactions (id, merchant_id, kind, external_key, order_id, provider, provider_payment_id, currency, event_at, created_at, metadata)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (merchant_id, external_key) do nothing returning *
     ), p as (
       insert into ledger_postings (transaction_id, line, merchant_id, account, order_id, currency, amount)
       select t.id, l.n, t.merchant_id, l.account, t.order_id, t.currency, l.amount
         from t, unnest($12::text[], $13::bigint[]) with ordinality as l(account, amount, n)
     )
     select * from t`,
    [id, merchantId, e.kind, e.externalKey, e.orderId, e.provider, e.providerPaymentId, e.currency, e.eventAt, now, JSON.stringify(e.metadata), e.lines.map((l) => l.account), e.lines.map((l) => String(l.amount))],
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await getLedgerTransactionByKey(q, merchantId, e.externalKey);
  if (!existing) throw new Error(`ledger transaction ${e.externalKey} conflicted but cannot be read`);
  return { row: existing, created: false };
}

export async function getLedgerTransactionByKey(q: Queryable, merchantId: string, externalKey: string): Promise<LedgerTransactionRow | undefined> {
  return (await q.query<LedgerTransactionRow>(`select * from ledger_transactions where merchant_id = $1 and external_key = $2`, [merchantId, externalKey]))[0];
}

/**
 * Sets orders.amount_paid and amount_refunded from the order's postings in its currency. The
 * caller holds the order's row lock (lockOrderRow) from before its ledger insert: under READ
 * COMMITTED this statement's snapshot then sees every posting committed by earlier holders.
 */
export async function projectOrderAmounts(q: Queryable, merchantId: string, orderId: string, now: Date): Promise<OrderRow> {
  const rows = await q.query<OrderRow>(
    `update orders o set
        amount_paid = coalesce((select -sum(p.amount) from ledger_postings p
                                 where p.merchant_id = o.merchant_id and p.order_id = o.id and p.currency = o.currency and p.account = any($3::text[])), 0),
        amount_refunded = coalesce((select sum(p.amount) from ledger_postings p
                                 where p.merchant_id = o.merchant_id and p.order_id = o.id and p.currency = o.currency and p.account = $4), 0),
        updated_at = $5
      where o.merchant_id = $1 and o.id = $2 returning *`,
    [merchantId, orderId, [...PAID_ACCOUNTS], REFUNDED_ACCOUNT, now],
  );
  if (!rows[0]) throw new Error(`order ${orderId} vanished during the ledger projection`);
  return rows[0];
}

/** The order's row lock: every booking about an order takes it before its ledger insert (one lock order, no deadlock). */
export async function lockOrderRow(q: Queryable, merchantId: string, orderId: string): Promise<void> {
  await q.query(`select id from orders where merchant_id = $1 and id = $2 for update`, [merchantId, orderId]);
}

export async function listPostingsOf(q: Queryable, merchantId: string, transactionIds: string[]): Promise<LedgerPostingRow[]> {
  if (transactionIds.length === 0) return [];
  return q.query<LedgerPostingRow>(
    `select * from ledger_postings where merchant_id = $1 and transaction_id = any($2::text[]) order by transaction_id, line`,
    [merchantId, transactionIds],
  );
}

export interface LedgerFilter {
  orderId?: string | undefined;
  kind?: string | undefined;
  provider?: string | undefined;
  providerPaymentId?: string | undefined;
}

/** Transactions newest first (or oldest first), keyset-paginated on the id. */
export async function listLedgerTransactions(q: Queryable, merchantId: string, f: LedgerFilter, page: { limit: number; startingAfter?: string | undefined; ascending?: boolean }): Promise<LedgerTransactionRow[]> {
  const dir = page.ascending ? 'asc' : 'desc';
  const cmp = page.ascending ? '>' : '<';
  return q.query<LedgerTransactionRow>(
    `select * from ledger_transactions
      where merchant_id = $1 and ($2::text is null or id ${cmp} $2)
        and ($3::text is null or order_id = $3) and ($4::text is null or kind = $4)
        and ($5::text is null or provider = $5) and ($6::text is null or provider_payment_id = $6)
      order by id ${dir} limit $7`,
    [merchantId, page.startingAfter ?? null, f.orderId ?? null, f.kind ?? null, f.provider ?? null, f.providerPaymentId ?? null, page.limit + 1],
  );
}

export interface BalanceRow {
  account: string;
  currency: string;
  debits: number;
  credits: number;
  balance: number;
}

/** Balances per account and currency (debit positive), for the merchant or one of its orders. */
export async function ledgerBalances(q: Queryable, merchantId: string, f: { currency?: string | undefined; account?: string | undefined; orderId?: string | undefined }): Promise<BalanceRow[]> {
  return q.query<BalanceRow>(
    `select account, currency,
            coalesce(sum(amount) filter (where amount > 0), 0)::int8 as debits,
            coalesce(-sum(amount) filter (where amount < 0), 0)::int8 as credits,
            sum(amount)::int8 as balance
       from ledger_postings
      where merchant_id = $1 and ($2::text is null or currency = $2) and ($3::text is null or account = $3) and ($4::text is null or order_id = $4)
      group by account, currency
      order by currency, account`,
    [merchantId, f.currency ?? null, f.account ?? null, f.orderId ?? null],
  );
}

/** Transactions whose postings do not sum to zero (always none; for tests and operators). */
export async function unbalancedLedgerTransactions(q: Queryable, merchantId?: string): Promise<{ transaction_id: string; currency: string; sum: number }[]> {
  return q.query(
    `select transaction_id, currency, sum(amount)::int8 as sum from ledger_postings
      where ($1::text is null or merchant_id = $1)
      group by transaction_id, currency having sum(amount) <> 0 or count(*) < 2`,
    [merchantId ?? null],
  );
}
