// How ledger rows look in the API: amounts in minor units with the currency, a posting's
// side spelled out next to its signed amount (debit positive, credit negative).
import type { TransactionWithPostings } from './ledger.queries.ts';
import type { BalanceRow } from './ledger.repository.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentLedgerTransaction(t: TransactionWithPostings) {
  return {
    id: t.id,
    object: 'ledger_transaction',
    kind: t.kind,
    external_key: t.external_key,
    order_id: t.order_id,
    provider: t.provider,
    provider_payment_id: t.provider_payment_id,
    currency: t.currency,
    event_at: iso(t.event_at),
    created_at: iso(t.created_at),
    metadata: t.metadata,
    postings: t.postings.map((p) => ({ line: p.line, account: p.account, order_id: p.order_id, amount: p.amount, side: p.amount > 0 ? 'debit' : 'credit' })),
  };
}

export function presentBalance(b: BalanceRow) {
  return { object: 'ledger_balance', account: b.account, currency: b.currency, debits: b.debits, credits: b.credits, balance: b.balance };
}
