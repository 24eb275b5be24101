// Ledger transactions as values: one builder per business event, each returning balanced
// lines, and the check every transaction passes before it is written. Pure: the app
// layer decides when an event happened and stores what these return.
import { domainError } from '../errors.ts';
import { isCurrency, isMinorAmount } from '../money.ts';
import { err, ok, type Result } from '../result.ts';
import { ACCOUNTS, isAccount, moneyAccount, RECORDED_PROVIDER } from './chart.ts';

export type LedgerKind =
  | 'capture' // a capture that pays the order
  | 'capture_unapplied' // a capture held in suspense: manual_review or an extra capture
  | 'review_accept' // a reviewed capture accepted as the order's payment
  | 'refund' // a merchant refund of a paid order
  | 'refund_unapplied' // an extra or reviewed capture given back
  | 'fee' // what the provider charged
  | 'dispute_withdrawal' // a chargeback took the money
  | 'dispute_reinstatement' // a won dispute gave it back
  | 'payout' // the provider paid the merchant's bank
  | 'recorded_payment' // money the merchant's staff took (cash on delivery, a bank transfer), recorded by them
  | 'recorded_void' // a recorded payment voided by the owner: the exact reverse of it
  | 'opening'; // balances carried over when the ledger was introduced (migration 0008)

export const LEDGER_KINDS: readonly LedgerKind[] = [
  'capture',
  'capture_unapplied',
  'review_accept',
  'refund',
  'refund_unapplied',
  'fee',
  'dispute_withdrawal',
  'dispute_reinstatement',
  'payout',
  'recorded_payment',
  'recorded_void',
  'opening',
];

export interface LedgerLine {
  account: string;
  /** Debit positive, credit negative. */
  amount: number;
}

export interface LedgerEntry {
  kind: LedgerKind;
  /** The idempotency key: the same fact always produces the same key. */
  externalKey: string;
  currency: string;
  orderId: string | null;
  provider: string | null;
  providerPaymentId: string | null;
  eventAt: Date;
  metadata: Record<string, unknown>;
  lines: LedgerLine[];
}

/** A transaction may be written only if this passes: ≥ 2 lines, known accounts, safe non-zero integers, Σ = 0. */
export function checkBalanced(e: Pick<LedgerEntry, 'currency' | 'lines' | 'externalKey'>): Result<true> {
  if (!isCurrency(e.currency)) return err(domainError('validation_error', `unknown currency ${e.currency}`));
  if (!e.externalKey || e.externalKey.length > 200)
    return err(domainError('validation_error', 'a ledger transaction needs an external key of at most 200 characters'));
  if (e.lines.length < 2) return err(domainError('validation_error', 'a ledger transaction needs at least two lines'));
  let sum = 0;
  for (const l of e.lines) {
    if (!isAccount(l.account)) return err(domainError('validation_error', `unknown ledger account ${l.account}`));
    if (l.amount === 0 || !isMinorAmount(Math.abs(l.amount)))
      return err(domainError('validation_error', `line amount ${l.amount} is not a non-zero integer in minor units`));
    sum += l.amount;
  }
  if (sum !== 0) return err(domainError('validation_error', `unbalanced ledger transaction ${e.externalKey}: lines sum to ${sum}`));
  return ok(true);
}

/** Lines with zero amounts dropped (a tax part of 0, a fee without tax). */
const lines = (...ls: LedgerLine[]): LedgerLine[] => ls.filter((l) => l.amount !== 0);

/** The tax part of a payment of `amount` on an order of `total` carrying `tax`: all of it when paid in full, pro rata otherwise. */
export function taxPart(amount: number, total: number, tax: number): number {
  if (tax <= 0 || total <= 0) return 0;
  if (amount >= total) return tax;
  return Math.floor((tax * amount) / total);
}

type Base = { currency: string; orderId: string | null; provider: string; providerPaymentId: string | null; eventAt: Date; metadata?: Record<string, unknown> };
const entry = (kind: LedgerKind, externalKey: string, b: Base, ls: LedgerLine[]): LedgerEntry => ({
  kind,
  externalKey,
  currency: b.currency,
  orderId: b.orderId,
  provider: b.provider,
  providerPaymentId: b.providerPaymentId,
  eventAt: b.eventAt,
  metadata: b.metadata ?? {},
  lines: ls,
});

export const captureKey = (provider: string, providerPaymentId: string) => `capture:${provider}:${providerPaymentId}`;

/** A capture that pays the order: Dr clearing / Cr revenue (+ Cr tax_payable for the order's tax part). */
export function captureApplied(b: Base & { providerPaymentId: string; amount: number; orderTotal: number; orderTax: number }): LedgerEntry {
  const tax = taxPart(b.amount, b.orderTotal, b.orderTax);
  return entry(
    'capture',
    captureKey(b.provider, b.providerPaymentId),
    b,
    lines(
      { account: ACCOUNTS.providerClearing(b.provider), amount: b.amount },
      { account: ACCOUNTS.revenue, amount: -(b.amount - tax) },
      { account: ACCOUNTS.taxPayable, amount: -tax },
    ),
  );
}

/** A capture that does not (yet) pay the order: Dr clearing / Cr unapplied_receipts. */
export function captureUnapplied(b: Base & { providerPaymentId: string; amount: number; reason: 'extra' | 'review' }): LedgerEntry {
  return entry(
    'capture_unapplied',
    captureKey(b.provider, b.providerPaymentId),
    { ...b, metadata: { disposition: b.reason, ...b.metadata } },
    lines({ account: ACCOUNTS.providerClearing(b.provider), amount: b.amount }, { account: ACCOUNTS.unappliedReceipts, amount: -b.amount }),
  );
}

/** A reviewed capture accepted: the suspense becomes revenue (+ tax). */
export function reviewAccepted(b: Base & { providerPaymentId: string; amount: number; orderTotal: number; orderTax: number }): LedgerEntry {
  const tax = taxPart(b.amount, b.orderTotal, b.orderTax);
  return entry(
    'review_accept',
    `review_accept:${b.provider}:${b.providerPaymentId}`,
    b,
    lines(
      { account: ACCOUNTS.unappliedReceipts, amount: b.amount },
      { account: ACCOUNTS.revenue, amount: -(b.amount - tax) },
      { account: ACCOUNTS.taxPayable, amount: -tax },
    ),
  );
}

/** A refund succeeded: a merchant refund is contra revenue; an extra or reviewed capture leaves suspense. */
export function refundSucceeded(b: Base & { refundId: string; amount: number; refundKind: 'merchant' | 'extra_capture' | 'review' }): LedgerEntry {
  const from = b.refundKind === 'merchant' ? ACCOUNTS.refunds : ACCOUNTS.unappliedReceipts;
  return entry(
    b.refundKind === 'merchant' ? 'refund' : 'refund_unapplied',
    `refund:${b.refundId}`,
    { ...b, metadata: { refund_id: b.refundId, refund_kind: b.refundKind, ...b.metadata } },
    // A recorded payment's refund is handed back from cash on hand.
    lines({ account: from, amount: b.amount }, { account: moneyAccount(b.provider), amount: -b.amount }),
  );
}

type Recorded = Omit<Base, 'provider' | 'providerPaymentId'> & { paymentId: string; amount: number; orderTotal: number; orderTax: number; method: string };

/** Money the merchant's staff took, recorded by them: Dr cash_on_hand / Cr revenue (+ Cr tax_payable). No provider holds it. */
export function paymentRecorded(b: Recorded): LedgerEntry {
  const tax = taxPart(b.amount, b.orderTotal, b.orderTax);
  return entry(
    'recorded_payment',
    `recorded:${b.paymentId}`,
    { ...b, provider: RECORDED_PROVIDER, providerPaymentId: b.paymentId, metadata: { method: b.method, ...b.metadata } },
    lines(
      { account: ACCOUNTS.cashOnHand, amount: b.amount },
      { account: ACCOUNTS.revenue, amount: -(b.amount - tax) },
      { account: ACCOUNTS.taxPayable, amount: -tax },
    ),
  );
}

/** A recorded payment voided by the owner: the exact reverse of paymentRecorded. */
export function recordedPaymentVoided(b: Recorded & { reason: string }): LedgerEntry {
  const tax = taxPart(b.amount, b.orderTotal, b.orderTax);
  return entry(
    'recorded_void',
    `recorded_void:${b.paymentId}`,
    { ...b, provider: RECORDED_PROVIDER, providerPaymentId: b.paymentId, metadata: { method: b.method, reason: b.reason, ...b.metadata } },
    lines(
      { account: ACCOUNTS.revenue, amount: b.amount - tax },
      { account: ACCOUNTS.taxPayable, amount: tax },
      { account: ACCOUNTS.cashOnHand, amount: -b.amount },
    ),
  );
}

/** A provider fee. `fee` is what the provider kept, including `tax` (Razorpay's convention): Dr fees (+ fee tax) / Cr clearing. */
export function providerFee(b: Base & { providerPaymentId: string; fee: number; tax?: number | undefined; source: string }): LedgerEntry {
  const tax = b.tax ?? 0;
  return entry(
    'fee',
    `fee:${b.provider}:${b.providerPaymentId}`,
    { ...b, metadata: { source: b.source, ...b.metadata } },
    lines(
      { account: ACCOUNTS.providerFees, amount: b.fee - tax },
      { account: ACCOUNTS.providerFeeTax, amount: tax },
      { account: ACCOUNTS.providerClearing(b.provider), amount: -b.fee },
    ),
  );
}

/** A chargeback took the money (at opening for Stripe and Razorpay, or at loss): Dr disputes / Cr clearing. */
export function disputeWithdrawn(b: Base & { providerDisputeId: string; amount: number }): LedgerEntry {
  return entry(
    'dispute_withdrawal',
    `dispute:${b.provider}:${b.providerDisputeId}:withdrawn`,
    { ...b, metadata: { provider_dispute_id: b.providerDisputeId, amount: b.amount, ...b.metadata } },
    lines({ account: ACCOUNTS.disputes, amount: b.amount }, { account: ACCOUNTS.providerClearing(b.provider), amount: -b.amount }),
  );
}

/** A won dispute: the exact reverse of its withdrawal. */
export function disputeReinstated(b: Base & { providerDisputeId: string; amount: number }): LedgerEntry {
  return entry(
    'dispute_reinstatement',
    `dispute:${b.provider}:${b.providerDisputeId}:reinstated`,
    { ...b, metadata: { provider_dispute_id: b.providerDisputeId, ...b.metadata } },
    lines({ account: ACCOUNTS.providerClearing(b.provider), amount: b.amount }, { account: ACCOUNTS.disputes, amount: -b.amount }),
  );
}

/** The provider paid out to the bank, keyed by its settlement id: Dr bank / Cr clearing. */
export function payout(b: Omit<Base, 'orderId' | 'providerPaymentId'> & { settlementId: string; amount: number; reference?: string | undefined }): LedgerEntry {
  return entry(
    'payout',
    `payout:${b.provider}:${b.settlementId}`,
    {
      ...b,
      orderId: null,
      providerPaymentId: null,
      metadata: { settlement_id: b.settlementId, ...(b.reference ? { reference: b.reference } : {}), ...b.metadata },
    },
    lines({ account: ACCOUNTS.bank, amount: b.amount }, { account: ACCOUNTS.providerClearing(b.provider), amount: -b.amount }),
  );
}
