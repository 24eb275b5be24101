// How ledger rows look in the API, with the zod schemas their routes answer with: amounts
// in minor units with the currency, a posting's side spelled out next to its signed amount
// (debit positive, credit negative).
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { TransactionWithPostings } from './ledger.queries.ts';
import type { BalanceRow } from './ledger.repository.ts';

export const ledgerTransactionSchema = z
  .object({
    id: z.string(),
    object: z.literal('ledger_transaction'),
    kind: z.string().describe('What happened: a capture, a refund, a fee, … (docs/ledger.md)'),
    external_key: z.string().describe('What booked it, once'),
    order_id: z.string().nullable(),
    provider: z.string().nullable(),
    provider_payment_id: z.string().nullable(),
    currency: z.string(),
    event_at: isoTime.describe('When the money moved'),
    created_at: isoTime,
    metadata: z.record(z.string(), z.unknown()),
    postings: z.array(
      z.object({
        line: z.number().int(),
        account: z.string(),
        order_id: z.string().nullable(),
        amount: z.number().int().describe('Minor units; debit positive, credit negative'),
        side: z.enum(['debit', 'credit']),
      }),
    ),
  })
  .meta({ id: 'LedgerTransaction', description: 'A balanced ledger transaction with its postings' });

export const ledgerTransactionListSchema = listOf(ledgerTransactionSchema);

export const balanceSchema = z
  .object({
    object: z.literal('ledger_balance'),
    account: z.string(),
    currency: z.string(),
    debits: z.number().int(),
    credits: z.number().int(),
    balance: z.number().int().describe('debits − credits, minor units'),
  })
  .meta({ id: 'LedgerBalance', description: "A ledger account's balance in one currency" });

export const balanceListSchema = listOf(balanceSchema);

export const orderLedgerSchema = z.object({
  object: z.literal('order_ledger'),
  order_id: z.string(),
  currency: z.string(),
  total: z.number().int(),
  amount_paid: z.number().int(),
  amount_refunded: z.number().int(),
  balances: z.array(balanceSchema),
  transactions: z.array(ledgerTransactionSchema),
});

export function presentLedgerTransaction(t: TransactionWithPostings): z.infer<typeof ledgerTransactionSchema> {
  return {
    id: t.id,
    object: 'ledger_transaction',
    kind: t.kind,
    external_key: t.external_key,
    order_id: t.order_id,
    provider: t.provider,
    provider_payment_id: t.provider_payment_id,
    currency: t.currency,
    event_at: iso(t.event_at)!,
    created_at: iso(t.created_at)!,
    metadata: t.metadata,
    postings: t.postings.map((p) => ({ line: p.line, account: p.account, order_id: p.order_id, amount: p.amount, side: p.amount > 0 ? 'debit' : 'credit' })),
  };
}

export function presentBalance(b: BalanceRow): z.infer<typeof balanceSchema> {
  return { object: 'ledger_balance', account: b.account, currency: b.currency, debits: b.debits, credits: b.credits, balance: b.balance };
}
