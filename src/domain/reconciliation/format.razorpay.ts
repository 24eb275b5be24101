// Razorpay's settlement recon report (GET /v1/settlements/recon/combined, and the same
// columns in the dashboard's CSV export): entity_id, type (payment | refund | transfer |
// adjustment), debit, credit, amount, currency, fee, tax, on_hold, settled, created_at,
// settled_at, settlement_id, settlement_utr, posted_at, credit_type, description, notes,
// payment_id, order_id, order_receipt, method, … For a payment credit = amount − fee
// (fee includes tax). The API's amounts are paise (amount_unit=minor, the default); the
// dashboard export shows rupees: send amount_unit=major for it. A settlement's payout is
// the sum of its rows' credit − debit; a dispute debit is an adjustment with dispute_id.
import { RowError, type FormatSpec } from './format.spec.ts';
import type { RowKind } from './report.ts';

const KINDS: Record<string, RowKind> = {
  payment: 'payment',
  refund: 'refund',
  transfer: 'adjustment',
  adjustment: 'adjustment',
  dispute: 'dispute',
  settlement: 'payout',
  fee: 'fee',
};

export const razorpayFormat: FormatSpec = {
  label: 'Razorpay settlement recon report',
  defaultUnit: 'minor',
  required: [['entity_id'], ['type'], ['amount'], ['currency'], ['fee']],
  toRow(r, money, provider) {
    const type = r.get('type')?.toLowerCase() ?? '';
    const disputeId = r.get('dispute_id') ?? null;
    // A dispute's debit comes as an adjustment naming the dispute.
    const kind = type === 'adjustment' && disputeId ? 'dispute' : KINDS[type];
    if (!kind) throw new RowError(`type "${type}" is not one of ${Object.keys(KINDS).join(', ')}`, r.line);
    const currency = money.currency(r, 'currency');
    const entity = r.get('entity_id') ?? null;
    const gross = money.amount(r, 'amount', currency);
    const fee = money.amount(r, 'fee', currency, { optional: true });
    const credit = money.amount(r, 'credit', currency, { optional: true });
    const debit = money.amount(r, 'debit', currency, { optional: true });
    const stated = r.get('credit') !== undefined || r.get('debit') !== undefined;
    const flag = (c: string) => r.get(c)?.toLowerCase();
    return {
      line: r.line,
      provider,
      kind,
      providerPaymentId: kind === 'payment' ? entity : (r.get('payment_id') ?? null),
      providerRefundId: kind === 'refund' ? entity : null,
      referenceId: r.get('order_receipt') ?? null,
      gross,
      fee,
      feeStated: r.get('fee') !== undefined,
      tax: money.amount(r, 'tax', currency, { optional: true }),
      net: stated ? Math.abs(credit - debit) : Math.max(0, gross - fee),
      currency,
      occurredAt: money.time(r, 'created_at'),
      settlementId: r.get('settlement_id') ?? null,
      failed: false,
      settlementRef: r.get('settlement_utr') ?? null,
      settledAt: money.time(r, 'settled_at'),
      // Without credit/debit: a payment adds its amount less the fee, a refund takes its amount.
      settlementNet: stated ? credit - debit : kind === 'payment' ? gross - fee : kind === 'refund' ? -gross : undefined,
      unsettled: flag('on_hold') === 'true' || flag('on_hold') === '1' || flag('settled') === 'false' || flag('settled') === '0',
      disputeId,
    };
  },
};
