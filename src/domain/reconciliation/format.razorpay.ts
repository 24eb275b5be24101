// Razorpay's settlement recon report (GET /v1/settlements/recon/combined, and the same
// columns in the dashboard's CSV export): entity_id, type (payment | refund | transfer |
// adjustment), debit, credit, amount, currency, fee, tax, on_hold, settled, created_at,
// settled_at, settlement_id, settlement_utr, posted_at, credit_type, description, notes,
// payment_id, order_id, order_receipt, method, … For a payment credit = amount − fee
// (fee includes tax). The API's amounts are paise (amount_unit=minor, the default); the
// dashboard export shows rupees: send amount_unit=major for it.
import { RowError, type FormatSpec } from './parse.ts';
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
    const kind = KINDS[type];
    if (!kind) throw new RowError(`type "${type}" is not one of ${Object.keys(KINDS).join(', ')}`, r.line);
    const currency = money.currency(r, 'currency');
    const entity = r.get('entity_id') ?? null;
    const gross = money.amount(r, 'amount', currency);
    const fee = money.amount(r, 'fee', currency, { optional: true });
    const credit = money.amount(r, 'credit', currency, { optional: true });
    const debit = money.amount(r, 'debit', currency, { optional: true });
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
      net: r.get('credit') !== undefined || r.get('debit') !== undefined ? Math.abs(credit - debit) : Math.max(0, gross - fee),
      currency,
      occurredAt: money.time(r, 'created_at'),
      settlementId: r.get('settlement_id') ?? null,
      failed: false,
    };
  },
};
