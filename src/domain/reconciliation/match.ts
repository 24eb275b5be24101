// A full outer join of a settlement report with our records: report payments and
// refunds are looked up among ours by provider id (payments fall back to the reference
// id); what is left on our side, inside the report's period, is what the provider does
// not know about. Every row and every leftover record becomes exactly one item.
import {
  CATEGORIES,
  MISMATCH_CATEGORIES,
  type MatchItem,
  type OurDispute,
  type OurPayment,
  type OurRefund,
  type Period,
  type ReportRow,
  type Totals,
} from './report.ts';

export interface MatchInput {
  rows: readonly ReportRow[];
  payments: readonly OurPayment[];
  refunds: readonly OurRefund[];
  /** Fees our ledger holds per provider payment id; null when there is no ledger to compare with. */
  fees: ReadonlyMap<string, number> | null;
  /** The span the report covers; our records outside it are not expected in it. */
  period: Period | null;
  /** Our disputes for the report's dispute rows (by provider dispute id or payment id). */
  disputes?: readonly OurDispute[] | undefined;
  /** A capture dated before this that the provider still holds back (on hold / not settled) is `unsettled`. */
  unsettledBefore?: Date | null | undefined;
}

export interface MatchResult {
  items: MatchItem[];
  totals: Totals;
  clean: boolean;
}

const CAPTURED = new Set(['captured', 'refunded']);

/** The report's covered period: from its earliest to its latest dated row. */
export function inferPeriod(rows: readonly ReportRow[]): Period | null {
  let from = Infinity;
  let to = -Infinity;
  for (const r of rows) {
    const t = r.occurredAt?.getTime();
    if (t === undefined) continue;
    if (t < from) from = t;
    if (t > to) to = t;
  }
  return from === Infinity ? null : { from: new Date(from), to: new Date(to) };
}

function item(base: Partial<MatchItem> & Pick<MatchItem, 'category' | 'kind' | 'currency' | 'amount'>): MatchItem {
  return {
    line: null,
    providerPaymentId: null,
    providerRefundId: null,
    referenceId: null,
    orderId: null,
    paymentId: null,
    refundId: null,
    expectedAmount: null,
    actualAmount: null,
    expectedFee: null,
    actualFee: null,
    note: null,
    ...base,
  };
}

/**
 * An item for a report row, with our capture when there is one. Written out field by field:
 * spreading objects here cost microseconds per row, seconds on a 100,000-row report.
 */
function rowItem(
  category: MatchItem['category'],
  row: ReportRow,
  ours: OurPayment | undefined,
  amount: number,
  note: string | null,
  expectedFee: number | null = null,
): MatchItem {
  return {
    category,
    kind: row.kind,
    line: row.line,
    providerPaymentId: ours ? ours.providerPaymentId : row.providerPaymentId,
    providerRefundId: row.providerRefundId,
    referenceId: ours ? ours.referenceId : row.referenceId,
    orderId: ours ? ours.orderId : null,
    paymentId: ours ? ours.paymentId : null,
    refundId: null,
    currency: row.currency,
    expectedAmount: ours ? ours.amount : null,
    actualAmount: row.gross,
    expectedFee,
    actualFee: row.fee,
    amount,
    note,
  };
}

const fromRow = (r: ReportRow) => ({
  kind: r.kind,
  line: r.line,
  providerPaymentId: r.providerPaymentId,
  providerRefundId: r.providerRefundId,
  referenceId: r.referenceId,
  currency: r.currency,
  actualAmount: r.gross,
  actualFee: r.fee,
});
const ofPayment = (p: OurPayment) => ({
  providerPaymentId: p.providerPaymentId,
  paymentId: p.paymentId,
  orderId: p.orderId,
  referenceId: p.referenceId,
  expectedAmount: p.amount,
});

/** Our records for one batch of report rows (those the batch names), as the matcher needs them. */
export interface BatchRecords {
  payments: readonly OurPayment[];
  refunds: readonly OurRefund[];
  fees: ReadonlyMap<string, number> | null;
  disputes?: readonly OurDispute[] | undefined;
}

/**
 * matchReport, a batch of rows at a time (the import job streams a report through it). What
 * must be known across batches is kept here and nothing else: the provider payments already
 * matched (a second row of one is a duplicate), the capture counted per order, the payments
 * reported as failed, and the refunds seen. The same rows in one batch or many give the
 * same items.
 */
export class ReportMatcher {
  private readonly seen = new Map<string, number>(); // provider payment id → the line that matched it
  private readonly orderCapture = new Map<string, string>(); // order → the provider payment counted for it
  private readonly failedAtProvider = new Map<string, number>();
  private readonly seenRefunds = new Set<string>();

  constructor(private readonly unsettledBefore: Date | null = null) {}

  /** One item per row, in order. */
  rows(rows: readonly ReportRow[], ours: BatchRecords): MatchItem[] {
    const byId = new Map<string, OurPayment>();
    const byRef = new Map<string, OurPayment>();
    for (const p of ours.payments) {
      byId.set(p.providerPaymentId, p);
      if (p.referenceId && CAPTURED.has(p.status)) byRef.set(p.referenceId, p);
    }
    const refundsById = new Map<string, OurRefund>();
    for (const r of ours.refunds) if (r.providerRefundId) refundsById.set(r.providerRefundId, r);
    const disputesById = new Map<string, OurDispute>();
    const disputesByPayment = new Map<string, OurDispute>();
    for (const d of ours.disputes ?? []) {
      disputesById.set(d.providerDisputeId, d);
      if (d.providerPaymentId && !disputesByPayment.has(d.providerPaymentId)) disputesByPayment.set(d.providerPaymentId, d);
    }
    const fees = ours.fees;
    const { seen, orderCapture, failedAtProvider, seenRefunds } = this;
    const late = this.unsettledBefore;
    const items: MatchItem[] = [];
    for (const row of rows) {
      if (row.kind === 'payment') {
        const ours = (row.providerPaymentId ? byId.get(row.providerPaymentId) : undefined) ?? (row.referenceId ? byRef.get(row.referenceId) : undefined);
        if (row.failed) {
          if (ours) failedAtProvider.set(ours.providerPaymentId, row.line);
          items.push(rowItem('other', row, ours, row.gross, 'failed at the provider'));
          continue;
        }
        if (!ours || !CAPTURED.has(ours.status)) {
          const note = ours ? `paid at the provider; ours is ${ours.status}` : 'paid at the provider; we have no capture for it';
          items.push(rowItem('missing_here', row, ours, row.gross, note));
          continue;
        }
        const firstLine = seen.get(ours.providerPaymentId);
        if (firstLine !== undefined) {
          items.push(rowItem('duplicate_capture', row, ours, row.gross, `the same payment is reported again (first on line ${firstLine})`));
          continue;
        }
        seen.set(ours.providerPaymentId, row.line);
        const other = ours.orderId ? orderCapture.get(ours.orderId) : undefined;
        if (ours.orderId && other === undefined) orderCapture.set(ours.orderId, ours.providerPaymentId);
        if (row.currency !== ours.currency) {
          items.push(rowItem('currency_mismatch', row, ours, row.gross, `the report says ${row.currency}; ours is ${ours.currency}`));
        } else if (row.gross !== ours.amount) {
          items.push(rowItem('amount_mismatch', row, ours, row.gross - ours.amount, `the report says ${row.gross}; ours is ${ours.amount}`));
        } else if (other !== undefined) {
          items.push(rowItem('duplicate_capture', row, ours, row.gross, `a second capture on order ${ours.orderId} (the first is ${other})`));
        } else if (row.feeStated && fees?.has(ours.providerPaymentId) && fees.get(ours.providerPaymentId) !== row.fee) {
          const expectedFee = fees.get(ours.providerPaymentId)!;
          items.push(rowItem('fee_mismatch', row, ours, row.fee - expectedFee, `the report's fee is ${row.fee}; our ledger has ${expectedFee}`, expectedFee));
        } else if (row.unsettled && late && row.occurredAt && row.occurredAt < late) {
          items.push(
            rowItem(
              'unsettled',
              row,
              ours,
              row.gross,
              `captured ${row.occurredAt.toISOString()}; the provider still holds it (on hold or not settled)`,
              fees?.get(ours.providerPaymentId) ?? null,
            ),
          );
        } else {
          items.push(rowItem('matched', row, ours, row.gross, null, fees?.get(ours.providerPaymentId) ?? null));
        }
      } else if (row.kind === 'refund') {
        const base = fromRow(row);
        const ours = row.providerRefundId ? refundsById.get(row.providerRefundId) : undefined;
        if (row.providerRefundId) seenRefunds.add(row.providerRefundId);
        if (!ours || ours.status !== 'succeeded') {
          const note = ours ? `refunded at the provider; ours is ${ours.status}` : 'refunded at the provider; we have no record of this refund';
          items.push(
            item({
              ...base,
              ...(ours ? { refundId: ours.refundId, orderId: ours.orderId, paymentId: ours.paymentId, expectedAmount: ours.amount } : {}),
              category: 'refund_not_reflected',
              amount: row.gross,
              note,
            }),
          );
          continue;
        }
        const with_ = {
          ...base,
          refundId: ours.refundId,
          orderId: ours.orderId,
          paymentId: ours.paymentId,
          expectedAmount: ours.amount,
          providerPaymentId: row.providerPaymentId ?? ours.providerPaymentId,
        };
        if (row.currency !== ours.currency)
          items.push(item({ ...with_, category: 'currency_mismatch', amount: row.gross, note: `the report says ${row.currency}; ours is ${ours.currency}` }));
        else if (row.gross !== ours.amount)
          items.push(
            item({
              ...with_,
              category: 'amount_mismatch',
              amount: row.gross - ours.amount,
              note: `the refund is ${row.gross} in the report; ours is ${ours.amount}`,
            }),
          );
        else items.push(item({ ...with_, category: 'matched', amount: row.gross }));
      } else if (row.kind === 'dispute') {
        items.push(
          disputeItem(
            row,
            (row.disputeId ? disputesById.get(row.disputeId) : undefined) ?? (row.providerPaymentId ? disputesByPayment.get(row.providerPaymentId) : undefined),
          ),
        );
      } else {
        items.push(rowItem('other', row, undefined, row.gross, null));
      }
    }
    return items;
  }

  /**
   * Our captures and succeeded refunds inside the period the report did not name (given in
   * pages: any of ours, named or not; the named ones are skipped here).
   */
  leftovers(payments: readonly OurPayment[], refunds: readonly OurRefund[], period: Period | null): MatchItem[] {
    const items: MatchItem[] = [];
    const inPeriod = (d: Date | null) => d !== null && period !== null && d >= period.from && d <= period.to;
    for (const p of payments) {
      if (!CAPTURED.has(p.status) || this.seen.has(p.providerPaymentId) || !inPeriod(p.capturedAt)) continue;
      const failedLine = this.failedAtProvider.get(p.providerPaymentId);
      const note = failedLine !== undefined ? `captured here; failed at the provider (line ${failedLine})` : 'captured here; absent from the report';
      items.push(item({ ...ofPayment(p), kind: 'payment', currency: p.currency, category: 'missing_at_provider', amount: p.amount, note }));
    }
    for (const r of refunds) {
      if (r.status !== 'succeeded' || !r.providerRefundId || this.seenRefunds.has(r.providerRefundId) || !inPeriod(r.updatedAt)) continue;
      items.push(
        item({
          kind: 'refund',
          providerRefundId: r.providerRefundId,
          providerPaymentId: r.providerPaymentId,
          refundId: r.refundId,
          orderId: r.orderId,
          paymentId: r.paymentId,
          currency: r.currency,
          expectedAmount: r.amount,
          category: 'refund_not_reflected',
          amount: r.amount,
          note: 'succeeded here; absent from the report',
        }),
      );
    }
    return items;
  }
}

export function matchReport(input: MatchInput): MatchResult {
  const m = new ReportMatcher(input.unsettledBefore ?? null);
  const items = m.rows(input.rows, input);
  items.push(...m.leftovers(input.payments, input.refunds, input.period));
  const totals = totalsOf(items);
  return { items, totals, clean: isClean(totals) };
}

/** Clean: no item in a mismatch category. */
export const isClean = (totals: Totals) => [...MISMATCH_CATEGORIES].every((c) => totals[c].count === 0);

/** A report's dispute row against the dispute we hold: unknown here, or its amount compared. */
function disputeItem(row: ReportRow, ours: OurDispute | undefined): MatchItem {
  const base = { ...fromRow(row), note: row.disputeId ? `dispute ${row.disputeId}` : null };
  if (!ours)
    return item({
      ...base,
      category: 'dispute_not_reflected',
      amount: row.gross,
      note: `a dispute at the provider${row.disputeId ? ` (${row.disputeId})` : ''} we have no record of`,
    });
  const with_ = {
    ...base,
    providerPaymentId: row.providerPaymentId ?? ours.providerPaymentId,
    orderId: ours.orderId,
    paymentId: ours.paymentId,
    expectedAmount: ours.amount,
  };
  if (ours.currency && ours.currency !== row.currency)
    return item({
      ...with_,
      category: 'currency_mismatch',
      amount: row.gross,
      note: `the dispute is in ${row.currency} in the report; ours is ${ours.currency}`,
    });
  if (ours.amount !== null && ours.amount !== row.gross)
    return item({
      ...with_,
      category: 'amount_mismatch',
      amount: row.gross - ours.amount,
      note: `the dispute is ${row.gross} in the report; ours is ${ours.amount}`,
    });
  return item({ ...with_, category: 'matched', amount: row.gross, note: `dispute ${ours.providerDisputeId} (${ours.status} here)` });
}

export const emptyTotals = (): Totals => Object.fromEntries(CATEGORIES.map((c) => [c, { count: 0, amounts: {} as Record<string, number> }])) as Totals;

export function totalsOf(items: readonly MatchItem[]): Totals {
  return addToTotals(emptyTotals(), items);
}

/** Adds items to running totals (the import job's batches); returns them. */
export function addToTotals(totals: Totals, items: readonly MatchItem[]): Totals {
  for (const i of items) {
    const t = totals[i.category];
    t.count++;
    t.amounts[i.currency] = (t.amounts[i.currency] ?? 0) + i.amount;
  }
  return totals;
}
