// The payouts a settlement report states. Razorpay's recon report has no payout line: every
// row names the settlement that carried it, and the payout is the sum of the settlement's
// rows' credit − debit. Stripe (and generic reports) have one payout row each (po_…).
import type { ReportFormat, ReportRow } from './report.ts';

export interface ReportPayout {
  settlementId: string;
  /** Minor units; zero or less means nothing reached the bank. */
  amount: number;
  currency: string;
  eventAt: Date | null;
  /** The bank reference (Razorpay's settlement_utr). */
  reference: string | null;
  /** The line that states the payout, or the last row of its settlement. */
  line: number;
  /** What the caller passed with that line (the import job: its item's seq). */
  ref?: number | undefined;
}

export function payoutsOf(rows: readonly ReportRow[], format: ReportFormat): ReportPayout[] {
  const c = new PayoutCollector(format);
  for (const r of rows) c.add(r);
  return c.payouts();
}

/** payoutsOf a row at a time (the import job streams a report): holds one entry per settlement. */
export class PayoutCollector {
  private readonly out = new Map<string, ReportPayout>();
  constructor(private readonly format: ReportFormat) {}

  add(r: ReportRow, ref?: number): void {
    const out = this.out;
    if (this.format === 'razorpay') {
      // Only money that was settled: rows on hold or not settled yet are in no payout.
      if (!r.settlementId || r.unsettled || r.kind === 'payout') return;
      const p = out.get(r.settlementId);
      const net = r.settlementNet ?? 0;
      if (!p) {
        out.set(r.settlementId, {
          settlementId: r.settlementId,
          amount: net,
          currency: r.currency,
          eventAt: r.settledAt ?? r.occurredAt,
          reference: r.settlementRef ?? null,
          line: r.line,
          ref,
        });
        return;
      }
      p.amount += net;
      p.line = r.line;
      p.ref = ref;
      p.reference ??= r.settlementRef ?? null;
      const at = r.settledAt ?? r.occurredAt;
      if (at && (!p.eventAt || at > p.eventAt)) p.eventAt = at;
      return;
    }
    if (r.kind !== 'payout' || !r.settlementId || out.has(r.settlementId)) return;
    out.set(r.settlementId, {
      settlementId: r.settlementId,
      amount: r.gross,
      currency: r.currency,
      eventAt: r.occurredAt,
      reference: r.settlementRef ?? null,
      line: r.line,
      ref,
    });
  }

  payouts(): ReportPayout[] {
    return [...this.out.values()];
  }
}
