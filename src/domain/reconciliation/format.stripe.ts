// Stripe balance transactions as CSV: the "Balance change from activity" itemized report
// (balance_transaction_id, created_utc, available_on_utc, currency, gross, fee, net,
// reporting_category, source_id, description, charge_id, payment_intent_id,
// payment_metadata[…]) and the older dashboard export (id, type, source, amount, fee, net,
// currency, created (utc), available on (utc), description). Both write decimals in major
// units ("10.00"), so amount_unit defaults to major; currencies are lower case.
import type { FormatSpec, Record_ } from './format.spec.ts';
import type { RowKind } from './report.ts';

const KINDS: Record<string, RowKind> = {
  charge: 'payment',
  payment: 'payment',
  refund: 'refund',
  payment_refund: 'refund',
  refund_failure: 'adjustment',
  payment_failure_refund: 'adjustment',
  dispute: 'dispute',
  dispute_reversal: 'dispute',
  adjustment: 'adjustment',
  payout: 'payout',
  // Money coming back from the bank: informational, never booked as a payout.
  payout_reversal: 'adjustment',
  stripe_fee: 'fee',
  fee: 'fee',
  application_fee: 'fee',
  tax: 'fee',
};

const first = (r: Record_, ...cols: string[]) => {
  for (const c of cols) {
    const v = r.get(c);
    if (v !== undefined) return v;
  }
  return undefined;
};

export const stripeFormat: FormatSpec = {
  label: 'Stripe balance transactions report',
  defaultUnit: 'major',
  required: [['balance_transaction_id', 'id'], ['gross', 'amount'], ['fee'], ['currency'], ['reporting_category', 'type']],
  toRow(r, money, provider) {
    const category = (first(r, 'reporting_category', 'type') ?? '').toLowerCase();
    // Stripe adds categories over time: anything unknown is kept as an informational adjustment.
    const source = first(r, 'source_id', 'source');
    // The older export books a chargeback as type adjustment whose source is the dispute (dp_/du_).
    const disputeSource = source && /^(dp|du)_/.test(source) ? source : undefined;
    const kind = (KINDS[category] ?? 'adjustment') === 'adjustment' && disputeSource ? 'dispute' : (KINDS[category] ?? 'adjustment');
    const currency = money.currency(r, 'currency');
    const grossCol = r.get('gross') !== undefined ? 'gross' : 'amount';
    const gross = money.amount(r, grossCol, currency);
    const fee = money.amount(r, 'fee', currency, { optional: true });
    const paymentId =
      first(r, 'payment_intent_id', 'payment_intent') ??
      (source?.startsWith('pi_') ? source : undefined) ??
      first(r, 'charge_id') ??
      (kind === 'payment' ? source : undefined);
    return {
      line: r.line,
      provider,
      kind,
      providerPaymentId: paymentId ?? null,
      providerRefundId: kind === 'refund' ? (source ?? null) : null,
      referenceId: first(r, 'payment_metadata[chatcart_reference_id]', 'chatcart_reference_id (metadata)', 'client_reference_id') ?? null,
      gross,
      fee,
      feeStated: r.get('fee') !== undefined,
      tax: 0,
      net: r.get('net') !== undefined ? money.amount(r, 'net', currency) : Math.max(0, gross - fee),
      currency,
      occurredAt: money.time(r, r.get('created_utc') !== undefined ? 'created_utc' : r.get('created (utc)') !== undefined ? 'created (utc)' : 'created'),
      // A payout row's own id (po_…) is its source; other rows name the payout that carried them.
      settlementId: (kind === 'payout' ? source : undefined) ?? first(r, 'automatic_payout_id', 'transfer') ?? null,
      failed: false,
      disputeId: kind === 'dispute' ? (disputeSource ?? first(r, 'dispute_id') ?? null) : null,
    };
  },
};
