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
}

export function payoutsOf(rows: readonly ReportRow[], format: ReportFormat): ReportPayout[] {
  const out = new Map<string, ReportPayout>();
  if (format === 'razorpay') {
    for (const r of rows) {
      // Only money that was settled: rows on hold or not settled yet are in no payout.
      if (!r.settlementId || r.unsettled || r.kind === 'payout') continue;
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
        });
        continue;
      }
      p.amount += net;
      p.line = r.line;
      p.reference ??= r.settlementRef ?? null;
      const at = r.settledAt ?? r.occurredAt;
      if (at && (!p.eventAt || at > p.eventAt)) p.eventAt = at;
    }
    return [...out.values()];
  }
  for (const r of rows) {
    if (r.kind !== 'payout' || !r.settlementId || out.has(r.settlementId)) continue;
    out.set(r.settlementId, {
      settlementId: r.settlementId,
      amount: r.gross,
      currency: r.currency,
      eventAt: r.occurredAt,
      reference: r.settlementRef ?? null,
      line: r.line,
    });
  }
  return [...out.values()];
}
