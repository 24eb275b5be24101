import { describe, expect, it } from 'vitest';
import { payoutsOf } from './payouts.ts';
import type { ReportRow } from './report.ts';

const T0 = new Date('2026-03-01T00:00:00Z');
const row = (over: Partial<ReportRow>): ReportRow => ({
  line: 2,
  provider: 'razorpay',
  kind: 'payment',
  providerPaymentId: null,
  providerRefundId: null,
  referenceId: null,
  gross: 1000,
  fee: 20,
  feeStated: true,
  tax: 3,
  net: 980,
  currency: 'INR',
  occurredAt: T0,
  settlementId: null,
  failed: false,
  ...over,
});

describe('payoutsOf', () => {
  it('Razorpay: one payout per settlement, the sum of its rows credit − debit, with the UTR and the latest settled_at', () => {
    const later = new Date(T0.getTime() + 86400_000);
    const rows = [
      row({ line: 2, settlementId: 's1', settlementNet: 980, settlementRef: 'UTR1', settledAt: T0 }),
      row({ line: 3, kind: 'refund', settlementId: 's1', settlementNet: -300, settledAt: later }),
      row({ line: 4, settlementId: 's2', settlementNet: 500 }),
      row({ line: 5, settlementId: 's2', settlementNet: 500, unsettled: true }),
      row({ line: 6, settlementNet: 700 }),
    ];
    expect(payoutsOf(rows, 'razorpay')).toEqual([
      { settlementId: 's1', amount: 680, currency: 'INR', eventAt: later, reference: 'UTR1', line: 3 },
      { settlementId: 's2', amount: 500, currency: 'INR', eventAt: T0, reference: null, line: 4 },
    ]);
  });

  it('Stripe and generic: each payout row once, by its own id', () => {
    const rows = [
      row({ kind: 'payment', settlementId: 'po_1' }),
      row({ line: 3, kind: 'payout', gross: 9000, settlementId: 'po_1' }),
      row({ line: 4, kind: 'payout', gross: 9000, settlementId: 'po_1' }),
    ];
    expect(payoutsOf(rows, 'stripe')).toEqual([{ settlementId: 'po_1', amount: 9000, currency: 'INR', eventAt: T0, reference: null, line: 3 }]);
  });
});
