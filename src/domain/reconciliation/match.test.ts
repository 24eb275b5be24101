import { describe, expect, it } from 'vitest';
import { addToTotals, emptyTotals, inferPeriod, matchReport, ReportMatcher } from './match.ts';
import type { OurPayment, OurRefund, ReportRow } from './report.ts';

const T0 = new Date('2026-03-01T00:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

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
  occurredAt: at(0),
  settlementId: 'setl_1',
  failed: false,
  ...over,
});
const pay = (id: string, over: Partial<OurPayment> = {}): OurPayment => ({
  providerPaymentId: id,
  paymentId: `pay_${id}`,
  orderId: `ord_${id}`,
  referenceId: `REF-${id}`,
  status: 'captured',
  amount: 1000,
  currency: 'INR',
  capturedAt: at(5),
  ...over,
});
const refund = (id: string, over: Partial<OurRefund> = {}): OurRefund => ({
  refundId: `rfd_${id}`,
  providerRefundId: id,
  providerPaymentId: 'p1',
  paymentId: 'pay_p1',
  orderId: 'ord_p1',
  amount: 300,
  currency: 'INR',
  status: 'succeeded',
  updatedAt: at(5),
  ...over,
});

const period = { from: at(0), to: at(60) };
const one = (rows: ReportRow[], payments: OurPayment[], o: { refunds?: OurRefund[]; fees?: Map<string, number> | null } = {}) =>
  matchReport({ rows, payments, refunds: o.refunds ?? [], fees: o.fees ?? null, period }).items.map((i) => [
    i.category,
    i.line,
    i.providerPaymentId ?? i.providerRefundId,
    i.amount,
  ]);

describe('matchReport: one row, one category', () => {
  const cases: [string, ReportRow[], OurPayment[], { refunds?: OurRefund[]; fees?: Map<string, number> }, unknown[][]][] = [
    ['matched by provider payment id', [row({ providerPaymentId: 'p1' })], [pay('p1')], {}, [['matched', 2, 'p1', 1000]]],
    [
      'matched by reference id when the id is unknown',
      [row({ providerPaymentId: 'other', referenceId: 'REF-p1' })],
      [pay('p1')],
      {},
      [['matched', 2, 'p1', 1000]],
    ],
    ['paid at the provider, not here', [row({ providerPaymentId: 'p9' })], [], {}, [['missing_here', 2, 'p9', 1000]]],
    ['paid at the provider, failed here', [row({ providerPaymentId: 'p1' })], [pay('p1', { status: 'failed' })], {}, [['missing_here', 2, 'p1', 1000]]],
    [
      'captured here, absent from the report (in period)',
      [row({ providerPaymentId: 'p1' })],
      [pay('p1'), pay('p2')],
      {},
      [
        ['matched', 2, 'p1', 1000],
        ['missing_at_provider', null, 'p2', 1000],
      ],
    ],
    [
      'captured here outside the period: not expected',
      [row({ providerPaymentId: 'p1' })],
      [pay('p1'), pay('p2', { capturedAt: at(-600) })],
      {},
      [['matched', 2, 'p1', 1000]],
    ],
    [
      'captured here, failed at the provider',
      [row({ providerPaymentId: 'p1', failed: true })],
      [pay('p1')],
      {},
      [
        ['other', 2, 'p1', 1000],
        ['missing_at_provider', null, 'p1', 1000],
      ],
    ],
    ['amount differs (difference is the total)', [row({ providerPaymentId: 'p1', gross: 900 })], [pay('p1')], {}, [['amount_mismatch', 2, 'p1', -100]]],
    ['currency differs', [row({ providerPaymentId: 'p1', currency: 'USD' })], [pay('p1')], {}, [['currency_mismatch', 2, 'p1', 1000]]],
    [
      'the same payment twice in the report',
      [row({ providerPaymentId: 'p1' }), row({ line: 3, providerPaymentId: 'p1' })],
      [pay('p1')],
      {},
      [
        ['matched', 2, 'p1', 1000],
        ['duplicate_capture', 3, 'p1', 1000],
      ],
    ],
    [
      'two captures on one order',
      [row({ providerPaymentId: 'p1' }), row({ line: 3, providerPaymentId: 'p2' })],
      [pay('p1'), pay('p2', { orderId: 'ord_p1' })],
      {},
      [
        ['matched', 2, 'p1', 1000],
        ['duplicate_capture', 3, 'p2', 1000],
      ],
    ],
    ['fee differs from the ledger', [row({ providerPaymentId: 'p1', fee: 25 })], [pay('p1')], { fees: new Map([['p1', 20]]) }, [['fee_mismatch', 2, 'p1', 5]]],
    [
      'no fee in the report: nothing to compare',
      [row({ providerPaymentId: 'p1', fee: 0, feeStated: false })],
      [pay('p1')],
      { fees: new Map([['p1', 20]]) },
      [['matched', 2, 'p1', 1000]],
    ],
    [
      'fee unknown to the ledger is not a mismatch',
      [row({ providerPaymentId: 'p1', fee: 25 })],
      [pay('p1')],
      { fees: new Map() },
      [['matched', 2, 'p1', 1000]],
    ],
    [
      'refund matched',
      [row({ kind: 'refund', providerRefundId: 'r1', providerPaymentId: 'p1', gross: 300 })],
      [],
      { refunds: [refund('r1')] },
      [['matched', 2, 'p1', 300]],
    ],
    ['refund at the provider, not here', [row({ kind: 'refund', providerRefundId: 'r9', gross: 300 })], [], {}, [['refund_not_reflected', 2, 'r9', 300]]],
    [
      'refund at the provider, pending here',
      [row({ kind: 'refund', providerRefundId: 'r1', gross: 300 })],
      [],
      { refunds: [refund('r1', { status: 'pending' })] },
      [['refund_not_reflected', 2, 'r1', 300]],
    ],
    [
      'refund succeeded here, absent from the report',
      [row({ kind: 'payout', gross: 5 })],
      [],
      { refunds: [refund('r1')] },
      [
        ['other', 2, null, 5],
        ['refund_not_reflected', null, 'p1', 300],
      ],
    ],
    [
      'refund amount differs',
      [row({ kind: 'refund', providerRefundId: 'r1', gross: 200 })],
      [],
      { refunds: [refund('r1')] },
      [['amount_mismatch', 2, 'p1', -100]],
    ],
  ];
  it.each(cases)('%s', (_name, rows, payments, o, expected) => expect(one(rows, payments, o)).toEqual(expected));
});

describe('matchReport: totals', () => {
  it('counts and sums each category per currency, and says whether the run is clean', () => {
    const r = matchReport({
      rows: [
        row({ providerPaymentId: 'p1' }),
        row({ line: 3, providerPaymentId: 'p2', gross: 2000 }),
        row({ line: 4, providerPaymentId: 'x', currency: 'USD', gross: 50 }),
        row({ line: 5, providerPaymentId: 'y', gross: 70 }),
      ],
      payments: [pay('p1'), pay('p2', { amount: 2000 })],
      refunds: [],
      fees: null,
      period,
    });
    expect(r.totals.matched).toEqual({ count: 2, amounts: { INR: 3000 } });
    expect(r.totals.missing_here).toEqual({ count: 2, amounts: { USD: 50, INR: 70 } });
    expect(r.totals.fee_mismatch).toEqual({ count: 0, amounts: {} });
    expect(r.clean).toBe(false);
    expect(matchReport({ rows: [row({ providerPaymentId: 'p1' })], payments: [pay('p1')], refunds: [], fees: null, period }).clean).toBe(true);
  });

  it('infers the period from the dated rows', () => {
    expect(inferPeriod([row({ occurredAt: at(10) }), row({ occurredAt: null }), row({ occurredAt: at(-5) })])).toEqual({ from: at(-5), to: at(10) });
    expect(inferPeriod([row({ occurredAt: null })])).toBeNull();
  });
});

describe('matchReport: disputes and unsettled captures', () => {
  const dispute = { providerDisputeId: 'd1', providerPaymentId: 'p1', orderId: 'ord_p1', paymentId: 'pay_p1', amount: 400, currency: 'INR', status: 'open' };
  const run = (rows: ReportRow[], o: { disputes?: (typeof dispute)[]; unsettledBefore?: Date } = {}) =>
    matchReport({ rows, payments: [pay('p1')], refunds: [], fees: null, period: null, ...o }).items.map((i) => [i.category, i.line, i.amount]);

  it('a dispute row is matched by dispute id or payment id, compared by amount, and unknown here is dispute_not_reflected', () => {
    expect(run([row({ kind: 'dispute', disputeId: 'd1', gross: 400 })], { disputes: [dispute] })).toEqual([['matched', 2, 400]]);
    expect(run([row({ kind: 'dispute', providerPaymentId: 'p1', gross: 400 })], { disputes: [dispute] })).toEqual([['matched', 2, 400]]);
    expect(run([row({ kind: 'dispute', disputeId: 'd1', gross: 300 })], { disputes: [dispute] })).toEqual([['amount_mismatch', 2, -100]]);
    expect(run([row({ kind: 'dispute', disputeId: 'd9', gross: 300 })], { disputes: [dispute] })).toEqual([['dispute_not_reflected', 2, 300]]);
    const r = matchReport({ rows: [row({ kind: 'dispute', disputeId: 'd9' })], payments: [], refunds: [], fees: null, period: null });
    expect(r.clean).toBe(false);
    expect(r.totals.dispute_not_reflected).toEqual({ count: 1, amounts: { INR: 1000 } });
  });

  it('a capture the provider holds back is unsettled only when older than the window, and the run is not clean', () => {
    const held = row({ providerPaymentId: 'p1', unsettled: true, fee: 0, feeStated: false });
    expect(run([held], { unsettledBefore: at(10) })).toEqual([['unsettled', 2, 1000]]);
    expect(run([held], { unsettledBefore: at(-10) })).toEqual([['matched', 2, 1000]]);
    expect(run([{ ...held, unsettled: false }], { unsettledBefore: at(10) })).toEqual([['matched', 2, 1000]]);
    expect(matchReport({ rows: [held], payments: [pay('p1')], refunds: [], fees: null, period: null, unsettledBefore: at(10) }).clean).toBe(false);
  });
});

describe('ReportMatcher: a report a batch at a time (the import job)', () => {
  it('gives the same items and totals as one matchReport over all rows, however the rows are cut', () => {
    const rows = [
      row({ line: 2, providerPaymentId: 'p1' }),
      row({ line: 3, providerPaymentId: 'p2', gross: 900 }),
      row({ line: 4, providerPaymentId: 'p1' }), // reported again: a duplicate across batches
      row({ line: 5, providerPaymentId: 'p3', failed: true }),
      row({ line: 6, providerPaymentId: 'unknown' }),
      row({ line: 7, kind: 'refund', providerRefundId: 'r1', providerPaymentId: 'p1', gross: 300 }),
      row({ line: 8, providerPaymentId: null, referenceId: 'REF-p5' }),
      row({ line: 9, providerPaymentId: 'p6' }), // a second capture on order ord_p1
      row({ line: 10, kind: 'payout', settlementId: 'setl_1', gross: 5000 }),
    ];
    const payments = [pay('p1'), pay('p2'), pay('p3'), pay('p4'), pay('p5'), pay('p6', { orderId: 'ord_p1' })];
    const refunds = [refund('r1'), refund('r2')];
    const fees = new Map([['p1', 20]]);
    const whole = matchReport({ rows, payments, refunds, fees, period });
    for (const size of [1, 2, 4]) {
      const m = new ReportMatcher();
      const items = [];
      for (let i = 0; i < rows.length; i += size) items.push(...m.rows(rows.slice(i, i + size), { payments, refunds, fees }));
      // Our records come in pages too: every capture of the period, named or not.
      items.push(...m.leftovers(payments.slice(0, 3), [], period), ...m.leftovers(payments.slice(3), refunds, period));
      expect(items, `batches of ${size}`).toEqual(whole.items);
      expect(addToTotals(emptyTotals(), items)).toEqual(whole.totals);
    }
  });
});
