// Reading the ledger: transactions with their postings, balances per account, and one
// order's books. Every query is keyed by the merchant.
import type { Queryable } from '../../platform/store/db.ts';
import {
  ledgerBalances,
  listLedgerTransactions,
  listPostingsOf,
  type BalanceRow,
  type LedgerFilter,
  type LedgerPostingRow,
  type LedgerTransactionRow,
} from './ledger.repository.ts';
import { getOrder, type OrderRow } from '../orders/index.ts';

export type TransactionWithPostings = LedgerTransactionRow & { postings: LedgerPostingRow[] };

async function withPostings(q: Queryable, merchantId: string, rows: LedgerTransactionRow[]): Promise<TransactionWithPostings[]> {
  const postings = await listPostingsOf(
    q,
    merchantId,
    rows.map((r) => r.id),
  );
  const by = new Map<string, LedgerPostingRow[]>();
  for (const p of postings) by.set(p.transaction_id, [...(by.get(p.transaction_id) ?? []), p]);
  return rows.map((r) => ({ ...r, postings: by.get(r.id) ?? [] }));
}

/** A page of transactions (limit + 1 rows fetched, so the caller can tell has_more). */
export async function listTransactions(
  q: Queryable,
  merchantId: string,
  f: LedgerFilter,
  page: { limit: number; startingAfter?: string | undefined; ascending?: boolean },
): Promise<{ data: TransactionWithPostings[]; hasMore: boolean }> {
  const rows = await listLedgerTransactions(q, merchantId, f, page);
  return { data: await withPostings(q, merchantId, rows.slice(0, page.limit)), hasMore: rows.length > page.limit };
}

export function balances(q: Queryable, merchantId: string, f: { currency?: string | undefined; account?: string | undefined }): Promise<BalanceRow[]> {
  return ledgerBalances(q, merchantId, f);
}

/** An order's books: its transactions oldest first, balances per account, and the amounts projected on it. */
export async function orderLedger(
  q: Queryable,
  merchantId: string,
  orderId: string,
): Promise<{ order: OrderRow; transactions: TransactionWithPostings[]; balances: BalanceRow[] } | undefined> {
  const order = await getOrder(q, merchantId, orderId);
  if (!order) return undefined;
  // An order has a handful of transactions (captures, refunds, fees, disputes): no paging.
  const rows = await listLedgerTransactions(q, merchantId, { orderId }, { limit: 1000, ascending: true });
  return { order, transactions: await withPostings(q, merchantId, rows), balances: await ledgerBalances(q, merchantId, { orderId }) };
}
