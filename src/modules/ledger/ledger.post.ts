// Booking money movements in the ledger. Every caller goes through postAndProject, which
// checks the transaction balances, inserts it (once per external key) and, for an order,
// rewrites orders.amount_paid / amount_refunded from the order's postings in the same
// database transaction: the order amounts are a projection of the ledger and no path can
// change one without the other.
import { domainError } from '../../domain/errors.ts';
import { PAID_ACCOUNTS, REFUNDED_ACCOUNT } from '../../domain/ledger/chart.ts';
import { newId } from '../../domain/ids.ts';
import { checkBalanced, disputeReinstated, disputeWithdrawn, payout, providerFee, type LedgerEntry } from '../../domain/ledger/postings.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import {
  getLedgerTransactionByKey,
  getLedgerTransactionsByKeys,
  insertLedgerTransaction,
  insertLedgerTransactions,
  lockOrderRow,
  lockOrderRows,
  projectOrderAmounts,
  projectOrdersAmounts,
  type LedgerTransactionRow,
} from './ledger.repository.ts';
import type { OrderRow } from '../orders/index.ts';

export interface Posted {
  transaction: LedgerTransactionRow;
  /** False when the external key was booked before: nothing was written. */
  created: boolean;
  /** The order after the projection (when the entry was booked now and changes the order's amounts). */
  order?: OrderRow | undefined;
}

/**
 * The order whose projected amounts an entry changes: one with a line on revenue, tax_payable
 * or refunds. Fees, disputes and payouts on an order leave its amounts alone, so they need
 * neither the order's lock nor a projection.
 */
function movesOrderAmounts(e: LedgerEntry): string | null {
  if (!e.orderId) return null;
  return e.lines.some((l) => (PAID_ACCOUNTS as readonly string[]).includes(l.account) || l.account === REFUNDED_ACCOUNT) ? e.orderId : null;
}

/**
 * Books one transaction and projects the order amounts. Throws on an unbalanced entry:
 * the builders in domain/ledger produce balanced ones, so that is a bug, never input.
 */
export async function postAndProject(tx: Tx, merchantId: string, entry: LedgerEntry, now: Date): Promise<Posted> {
  const check = checkBalanced(entry);
  if (!check.ok) throw new Error(check.error.message);
  const project = movesOrderAmounts(entry);
  if (project) await lockOrderRow(tx, merchantId, project);
  const { row, created } = await insertLedgerTransaction(tx, merchantId, newId('ltx'), entry, now);
  const order = created && project ? await projectOrderAmounts(tx, merchantId, project, now) : undefined;
  return { transaction: row, created, order };
}

/**
 * Books many transactions at once (a provider report's fees, a day of payouts): one statement
 * for all of them, one projection for every order touched. Idempotent per external key, also
 * within the batch (the first of two entries with one key wins). Returns one Posted per entry.
 */
export async function postManyAndProject(tx: Tx, merchantId: string, entries: LedgerEntry[], now: Date): Promise<Posted[]> {
  for (const e of entries) {
    const check = checkBalanced(e);
    if (!check.ok) throw new Error(check.error.message);
  }
  const firstOfKey = new Map<string, { id: string; entry: LedgerEntry }>();
  for (const entry of entries) if (!firstOfKey.has(entry.externalKey)) firstOfKey.set(entry.externalKey, { id: newId('ltx'), entry });
  const orderIds = [...new Set(entries.map(movesOrderAmounts).filter((x): x is string => x !== null))].sort();
  await lockOrderRows(tx, merchantId, orderIds);
  const inserted = new Map((await insertLedgerTransactions(tx, merchantId, [...firstOfKey.values()], now)).map((r) => [r.external_key, r]));
  const missing = [...firstOfKey.keys()].filter((k) => !inserted.has(k));
  const existing = new Map((await getLedgerTransactionsByKeys(tx, merchantId, missing)).map((r) => [r.external_key, r]));
  const touched = [
    ...new Set(
      [...firstOfKey.values()]
        .filter((x) => inserted.has(x.entry.externalKey))
        .map((x) => movesOrderAmounts(x.entry))
        .filter((x): x is string => x !== null),
    ),
  ];
  const orders = new Map((await projectOrdersAmounts(tx, merchantId, touched, now)).map((o) => [o.id, o]));
  const seen = new Set<string>();
  return entries.map((e) => {
    const row = inserted.get(e.externalKey);
    const created = !!row && !seen.has(e.externalKey);
    seen.add(e.externalKey);
    const transaction = row ?? existing.get(e.externalKey);
    if (!transaction) throw new Error(`ledger transaction ${e.externalKey} conflicted but cannot be read`);
    return { transaction, created, order: e.orderId ? orders.get(e.orderId) : undefined };
  });
}

const validAmount = (n: unknown, zeroOk = false): n is number => typeof n === 'number' && Number.isSafeInteger(n) && (zeroOk ? n >= 0 : n > 0);

/** What a provider charged for a payment (a report row, a settlement line, a payment entity). Idempotent per payment. */
export async function recordProviderFee(
  tx: Tx,
  f: {
    merchantId: string;
    provider: string;
    providerPaymentId: string;
    orderId: string | null;
    fee: number;
    tax?: number;
    currency: string;
    eventAt: Date;
    source: string;
    /** When it is booked: the context's clock (the event's own time if not given). */
    now?: Date;
  },
): Promise<Result<Posted>> {
  if (!validAmount(f.fee) || (f.tax !== undefined && (!validAmount(f.tax, true) || f.tax > f.fee))) {
    return err(domainError('validation_error', `fee ${f.fee} (tax ${f.tax ?? 0}) must be a positive amount in minor units, tax not above it`));
  }
  const entry = providerFee({
    provider: f.provider,
    providerPaymentId: f.providerPaymentId,
    orderId: f.orderId,
    fee: f.fee,
    tax: f.tax,
    currency: f.currency,
    eventAt: f.eventAt,
    source: f.source,
  });
  const check = checkBalanced(entry);
  if (!check.ok) return check;
  return ok(await postAndProject(tx, f.merchantId, entry, f.now ?? f.eventAt));
}

/** A provider's payout to the merchant's bank, keyed by its settlement id. Idempotent per settlement. */
export async function recordPayout(
  tx: Tx,
  p: { merchantId: string; provider: string; settlementId: string; amount: number; currency: string; eventAt: Date; reference?: string; now?: Date },
): Promise<Result<Posted>> {
  if (!validAmount(p.amount)) return err(domainError('validation_error', `payout amount ${p.amount} must be a positive amount in minor units`));
  const entry = payout({
    provider: p.provider,
    settlementId: p.settlementId,
    amount: p.amount,
    currency: p.currency,
    eventAt: p.eventAt,
    reference: p.reference,
  });
  const check = checkBalanced(entry);
  if (!check.ok) return check;
  return ok(await postAndProject(tx, p.merchantId, entry, p.now ?? p.eventAt));
}

/**
 * A dispute's effect on the money. Stripe and Razorpay take the disputed amount when a
 * dispute opens, so the withdrawal is booked on the first of opened / lost we see, and a
 * won dispute books the reverse (only if a withdrawal was booked). Returns what was booked.
 */
export async function recordDisputeMoney(
  tx: Tx,
  d: {
    merchantId: string;
    provider: string;
    providerDisputeId: string;
    providerPaymentId: string | null;
    orderId: string | null;
    status: 'open' | 'won' | 'lost';
    amount: number | null;
    currency: string | null;
    eventAt: Date;
    now: Date;
  },
): Promise<Posted | null> {
  if (!validAmount(d.amount) || !d.currency) return null;
  const base = {
    provider: d.provider,
    providerDisputeId: d.providerDisputeId,
    providerPaymentId: d.providerPaymentId,
    orderId: d.orderId,
    amount: d.amount,
    currency: d.currency,
    eventAt: d.eventAt,
  };
  const withdrawal = disputeWithdrawn(base);
  if (d.status !== 'won') return postAndProject(tx, d.merchantId, withdrawal, d.now);
  const withdrawn = await getLedgerTransactionByKey(tx, d.merchantId, withdrawal.externalKey);
  if (!withdrawn) return null;
  // The reverse of what was taken, whatever amount the closing event states.
  const taken = Number(withdrawn.metadata['amount']);
  return postAndProject(tx, d.merchantId, disputeReinstated({ ...base, amount: taken, currency: withdrawn.currency }), d.now);
}
