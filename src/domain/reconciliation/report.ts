// The shapes reconciliation works on: a provider's settlement report normalised to
// rows, our own records of the same money, and what matching them produced. Pure data.

export const REPORT_FORMATS = ['razorpay', 'stripe', 'generic'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Whether report amounts are integers in minor units (paise, cents) or decimals in major units ("10.00"). */
export const AMOUNT_UNITS = ['minor', 'major'] as const;
export type AmountUnit = (typeof AMOUNT_UNITS)[number];

export const ROW_KINDS = ['payment', 'refund', 'fee', 'payout', 'adjustment', 'dispute'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

/** One report line after normalisation. Amounts are non-negative minor units; the kind gives the direction. */
export interface ReportRow {
  /** Line of the file the record ends on (the header is line 1). */
  line: number;
  provider: string;
  kind: RowKind;
  providerPaymentId: string | null;
  providerRefundId: string | null;
  referenceId: string | null;
  gross: number;
  /** The provider's fee including its tax (Razorpay's `fee` already includes `tax`). */
  fee: number;
  /** False when the report has no fee for the row (no column, or an empty cell): nothing to compare. */
  feeStated: boolean;
  tax: number;
  net: number;
  currency: string;
  occurredAt: Date | null;
  settlementId: string | null;
  /** The provider reports this payment as failed (generic reports with a status column). */
  failed: boolean;
  /** The settlement's bank reference (Razorpay's settlement_utr), when the report has one. */
  settlementRef?: string | null | undefined;
  /** What the row adds to its settlement's payout, signed (Razorpay: credit − debit); undefined when the report does not say. */
  settlementNet?: number | undefined;
  /** When the row's settlement was paid out (Razorpay's settled_at). */
  settledAt?: Date | null | undefined;
  /** The provider holds the money back: Razorpay's on_hold=true or settled=false. */
  unsettled?: boolean | undefined;
  /** The provider's dispute id on a dispute row (Razorpay's dispute_id, Stripe's dp_/du_ source). */
  disputeId?: string | null | undefined;
}

/** A dispute we know about (our disputes table). */
export interface OurDispute {
  providerDisputeId: string;
  providerPaymentId: string | null;
  orderId: string | null;
  paymentId: string | null;
  amount: number | null;
  currency: string | null;
  status: string;
}

/** A capture we know about (provider_payments joined to our attempt). */
export interface OurPayment {
  providerPaymentId: string;
  paymentId: string | null;
  orderId: string | null;
  referenceId: string | null;
  status: string;
  amount: number;
  currency: string;
  capturedAt: Date | null;
}

export interface OurRefund {
  refundId: string;
  providerRefundId: string | null;
  providerPaymentId: string | null;
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  status: string;
  updatedAt: Date;
}

export const CATEGORIES = [
  'matched',
  'missing_here',
  'missing_at_provider',
  'amount_mismatch',
  'currency_mismatch',
  'duplicate_capture',
  'refund_not_reflected',
  'fee_mismatch',
  'dispute_not_reflected',
  'unsettled',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Categories that make a run "mismatches" (matched rows and informational rows do not). */
export const MISMATCH_CATEGORIES: ReadonlySet<Category> = new Set(CATEGORIES.filter((c) => c !== 'matched' && c !== 'other'));

/** One result line: a report row, one of our records, or both. */
export interface MatchItem {
  category: Category;
  kind: RowKind;
  /** The report line, or null for our records the report lacks. */
  line: number | null;
  providerPaymentId: string | null;
  providerRefundId: string | null;
  referenceId: string | null;
  orderId: string | null;
  paymentId: string | null;
  refundId: string | null;
  currency: string;
  /** What we hold (amount or fee, depending on the category) and what the report says. */
  expectedAmount: number | null;
  actualAmount: number | null;
  expectedFee: number | null;
  actualFee: number | null;
  /** The amount this item adds to its category's total (see docs/reconciliation.md). */
  amount: number;
  note: string | null;
}

export interface CategoryTotal {
  count: number;
  /** Sum of the items' `amount` per currency, in minor units. */
  amounts: Record<string, number>;
}

export type Totals = Record<Category, CategoryTotal>;

export interface Period {
  from: Date;
  to: Date;
}
