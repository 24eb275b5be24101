// Booking money movements in the ledger. Every caller goes through postAndProject, which
// checks the transaction balances, inserts it (once per external key) and, for an order,
// rewrites orders.amount_paid / amount_refunded from the order's postings in the same
// database transaction: the order amounts are a projection of the ledger and no path can
// change one without the other.
import { domainError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { checkBalanced, disputeReinstated, disputeWithdrawn, payout, providerFee, type LedgerEntry } from '../domain/ledger/postings.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Tx } from '../store/db.ts';
import { getLedgerTransactionByKey, insertLedgerTransaction, lockOrderRow, projectOrderAmounts, type LedgerTransactionRow } from '../store/ledger.repository.ts';
import type { OrderRow } from '../store/orders.repository.ts';

export interface Posted {
  transaction: LedgerTransactionRow;
  /** False when the external key was booked before: nothing was written. */
  created: boolean;
  /** The order after the projection (when the entry is about an order). */
  order?: OrderRow | undefined;
}

/**
 * Books one transaction and projects the order amounts. Throws on an unbalanced entry:
 * the builders in domain/ledger produce balanced ones, so that is a bug, never input.
 */
export async function postAndProject(tx: Tx, merchantId: string, entry: LedgerEntry, now: Date = new Date()): Promise<Posted> {
  const check = checkBalanced(entry);
  if (!check.ok) throw new Error(check.error.message);
  if (entry.orderId) await lockOrderRow(tx, merchantId, entry.orderId);
  const { row, created } = await insertLedgerTransaction(tx, merchantId, newId('ltx'), entry, now);
  const order = created && entry.orderId ? await projectOrderAmounts(tx, merchantId, entry.orderId, now) : undefined;
  return { transaction: row, created, order };
}

const validAmount = (n: unknown, zeroOk = false): n is number => typeof n === 'number' && Number.isSafeInteger(n) && (zeroOk ? n >= 0 : n > 0);

/** What a provider charged for a payment (a report row, a settlement line, a payment entity). Idempotent per payment. */
export async function recordProviderFee(
  tx: Tx,
  f: { merchantId: string; provider: string; providerPaymentId: string; orderId: string | null; fee: number; tax?: number; currency: string; eventAt: Date; source: string },
): Promise<Result<Posted>> {
  if (!validAmount(f.fee) || (f.tax !== undefined && (!validAmount(f.tax, true) || f.tax > f.fee))) {
    return err(domainError('validation_error', `fee ${f.fee} (tax ${f.tax ?? 0}) must be a positive amount in minor units, tax not above it`));
  }
  const entry = providerFee({ provider: f.provider, providerPaymentId: f.providerPaymentId, orderId: f.orderId, fee: f.fee, tax: f.tax, currency: f.currency, eventAt: f.eventAt, source: f.source });
  const check = checkBalanced(entry);
  if (!check.ok) return check;
  return ok(await postAndProject(tx, f.merchantId, entry));
}

/** A provider's payout to the merchant's bank, keyed by its settlement id. Idempotent per settlement. */
export async function recordPayout(
  tx: Tx,
  p: { merchantId: string; provider: string; settlementId: string; amount: number; currency: string; eventAt: Date; reference?: string },
): Promise<Result<Posted>> {
  if (!validAmount(p.amount)) return err(domainError('validation_error', `payout amount ${p.amount} must be a positive amount in minor units`));
  const entry = payout({ provider: p.provider, settlementId: p.settlementId, amount: p.amount, currency: p.currency, eventAt: p.eventAt, reference: p.reference });
  const check = checkBalanced(entry);
  if (!check.ok) return check;
  return ok(await postAndProject(tx, p.merchantId, entry));
}

/**
 * A dispute's effect on the money. Stripe and Razorpay take the disputed amount when a
 * dispute opens, so the withdrawal is booked on the first of opened / lost we see, and a
 * won dispute books the reverse (only if a withdrawal was booked). Returns what was booked.
 */
export async function recordDisputeMoney(
  tx: Tx,
  d: { merchantId: string; provider: string; providerDisputeId: string; providerPaymentId: string | null; orderId: string | null; status: 'open' | 'won' | 'lost'; amount: number | null; currency: string | null; eventAt: Date; now: Date },
): Promise<Posted | null> {
  if (!validAmount(d.amount) || !d.currency) return null;
  const base = { provider: d.provider, providerDisputeId: d.providerDisputeId, providerPaymentId: d.providerPaymentId, orderId: d.orderId, amount: d.amount, currency: d.currency, eventAt: d.eventAt };
  const withdrawal = disputeWithdrawn(base);
  if (d.status !== 'won') return postAndProject(tx, d.merchantId, withdrawal, d.now);
  const withdrawn = await getLedgerTransactionByKey(tx, d.merchantId, withdrawal.externalKey);
  if (!withdrawn) return null;
  // The reverse of what was taken, whatever amount the closing event states.
  const taken = Number(withdrawn.metadata['amount']);
  return postAndProject(tx, d.merchantId, disputeReinstated({ ...base, amount: taken, currency: withdrawn.currency }), d.now);
}
