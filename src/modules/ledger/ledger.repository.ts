// The ledger tables (migration 0008). Only inserts and reads: the ledger is append-only
// (a trigger refuses UPDATE and DELETE too). The order amounts projected from it are
// written here as well, so the projection's SQL sits next to the postings it reads.
import type { LedgerEntry } from '../../domain/ledger/postings.ts';
import { PAID_ACCOUNTS, REFUNDED_ACCOUNT } from '../../domain/ledger/chart.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { OrderRow } from '../orders/index.ts';

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
export async function insertLedgerTransaction(
  q: Queryable,
  merchantId: string,
  id: string,
  e: LedgerEntry,
  now: Date,
): Promise<{ row: LedgerTransactionRow; created: boolean }> {
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
    [
      id,
      merchantId,
      e.kind,
      e.externalKey,
      e.orderId,
      e.provider,
      e.providerPaymentId,
      e.currency,
      e.eventAt,
      now,
      JSON.stringify(e.metadata),
      e.lines.map((l) => l.account),
      e.lines.map((l) => String(l.amount)),
    ],
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await getLedgerTransactionByKey(q, merchantId, e.externalKey);
  if (!existing) throw new Error(`ledger transaction ${e.externalKey} conflicted but cannot be read`);
  return { row: existing, created: false };
}

/**
 * Many transactions in one statement (each with its own id and lines); keys booked before
 * insert nothing. Returns the rows inserted; the caller reads the others by key.
 */
export async function insertLedgerTransactions(
  q: Queryable,
  merchantId: string,
  items: { id: string; entry: LedgerEntry }[],
  now: Date,
): Promise<LedgerTransactionRow[]> {
  if (items.length === 0) return [];
  const col = <T>(f: (x: { id: string; entry: LedgerEntry }) => T) => items.map(f);
  const lineTx: string[] = [];
  const lineNo: number[] = [];
  const accounts: string[] = [];
  const amounts: string[] = [];
  for (const { id, entry } of items) {
    entry.lines.forEach((l, i) => {
      lineTx.push(id);
      lineNo.push(i + 1);
      accounts.push(l.account);
      amounts.push(String(l.amount));
    });
  }
  return q.query<LedgerTransactionRow>(
    `with t as (
       insert into ledger_transactions (id, merchant_id, kind, external_key, order_id, provider, provider_payment_id, currency, event_at, created_at, metadata)
       select i.id, $1, i.kind, i.external_key, i.order_id, i.provider, i.provider_payment_id, i.currency, i.event_at, $2, i.metadata::jsonb
         from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
              as i(id, kind, external_key, order_id, provider, provider_payment_id, currency, event_at, metadata)
       on conflict (merchant_id, external_key) do nothing returning *
     ), p as (
       insert into ledger_postings (transaction_id, line, merchant_id, account, order_id, currency, amount)
       select t.id, l.n, t.merchant_id, l.account, t.order_id, t.currency, l.amount
         from unnest($12::text[], $13::int[], $14::text[], $15::bigint[]) as l(tx, n, account, amount)
         join t on t.id = l.tx
     )
     select * from t`,
    [
      merchantId,
      now,
      col((x) => x.id),
      col((x) => x.entry.kind),
      col((x) => x.entry.externalKey),
      col((x) => x.entry.orderId),
      col((x) => x.entry.provider),
      col((x) => x.entry.providerPaymentId),
      col((x) => x.entry.currency),
      col((x) => x.entry.eventAt),
      col((x) => JSON.stringify(x.entry.metadata)),
      lineTx,
      lineNo,
      accounts,
      amounts,
    ],
  );
}

export async function getLedgerTransactionsByKeys(q: Queryable, merchantId: string, keys: string[]): Promise<LedgerTransactionRow[]> {
  if (keys.length === 0) return [];
  return q.query<LedgerTransactionRow>(`select * from ledger_transactions where merchant_id = $1 and external_key = any($2::text[])`, [merchantId, keys]);
}

/** Row locks on several orders, always in id order (so two batches never deadlock). */
export async function lockOrderRows(q: Queryable, merchantId: string, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await q.query(`select id from orders where merchant_id = $1 and id = any($2::text[]) order by id for update`, [merchantId, orderIds]);
}

/** projectOrderAmounts for several orders in one statement (the caller holds their locks). */
export async function projectOrdersAmounts(q: Queryable, merchantId: string, orderIds: string[], now: Date): Promise<OrderRow[]> {
  if (orderIds.length === 0) return [];
  return q.query<OrderRow>(
    `update orders o set
        amount_paid = coalesce((select -sum(p.amount) from ledger_postings p
                                 where p.merchant_id = o.merchant_id and p.order_id = o.id and p.currency = o.currency and p.account = any($3::text[])), 0),
        amount_refunded = coalesce((select sum(p.amount) from ledger_postings p
                                 where p.merchant_id = o.merchant_id and p.order_id = o.id and p.currency = o.currency and p.account = $4), 0),
        updated_at = $5
      where o.merchant_id = $1 and o.id = any($2::text[]) returning *`,
    [merchantId, orderIds, [...PAID_ACCOUNTS], REFUNDED_ACCOUNT, now],
  );
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
  const [row] = await projectOrdersAmounts(q, merchantId, [orderId], now);
  if (!row) throw new Error(`order ${orderId} vanished during the ledger projection`);
  return row;
}

/** The order's row lock: every booking about an order takes it before its ledger insert (one lock order, no deadlock). */
export async function lockOrderRow(q: Queryable, merchantId: string, orderId: string): Promise<void> {
  await q.query(`select id from orders where merchant_id = $1 and id = $2 for update`, [merchantId, orderId]);
}

export async function listPostingsOf(q: Queryable, merchantId: string, transactionIds: string[]): Promise<LedgerPostingRow[]> {
  if (transactionIds.length === 0) return [];
  return q.query<LedgerPostingRow>(`select * from ledger_postings where merchant_id = $1 and transaction_id = any($2::text[]) order by transaction_id, line`, [
    merchantId,
    transactionIds,
  ]);
}

export interface LedgerFilter {
  orderId?: string | undefined;
  kind?: string | undefined;
  provider?: string | undefined;
  providerPaymentId?: string | undefined;
}

/** Transactions newest first (or oldest first), keyset-paginated on the id. */
export async function listLedgerTransactions(
  q: Queryable,
  merchantId: string,
  f: LedgerFilter,
  page: { limit: number; startingAfter?: string | undefined; ascending?: boolean },
): Promise<LedgerTransactionRow[]> {
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
export async function ledgerBalances(
  q: Queryable,
  merchantId: string,
  f: { currency?: string | undefined; account?: string | undefined; orderId?: string | undefined },
): Promise<BalanceRow[]> {
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
