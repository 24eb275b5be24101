// Any other provider's report, described by a mapping from our fields to its column
// names. Amounts are minor units unless amount_unit=major. A `type` column (payment,
// refund, fee, payout, adjustment, dispute; charge/capture mean payment) is optional
// (every row is a payment without it); a `status` column of failed/failure marks a
// payment the provider did not take.
import { RowError, type FormatSpec } from './format.spec.ts';
import { ROW_KINDS, type RowKind } from './report.ts';
import { err, ok, type Result } from '../result.ts';

export const GENERIC_FIELDS = [
  'type',
  'provider_payment_id',
  'provider_refund_id',
  'reference_id',
  'amount',
  'fee',
  'tax',
  'net',
  'currency',
  'occurred_at',
  'settlement_id',
  'status',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];
/** Our field → the report's column name (matched case-insensitively). */
export type GenericMapping = Partial<Record<GenericField, string>>;

const ALIASES: Record<string, RowKind> = { charge: 'payment', capture: 'payment', captured: 'payment', sale: 'payment', refunded: 'refund' };

export function genericFormat(mapping: GenericMapping): FormatSpec | undefined {
  const col = (f: GenericField) => mapping[f]?.trim().toLowerCase();
  if (!col('amount') || !col('currency') || !(col('provider_payment_id') || col('reference_id'))) return undefined;
  const required = [
    [col('amount')!],
    [col('currency')!],
    ...(['provider_payment_id', 'reference_id', 'type', 'fee', 'provider_refund_id'] as const).filter((f) => col(f)).map((f) => [col(f)!]),
  ];
  const get = (r: Parameters<FormatSpec['toRow']>[0], f: GenericField) => (col(f) ? r.get(col(f)!) : undefined);
  return {
    label: 'report with the columns of the given mapping',
    defaultUnit: 'minor',
    required,
    toRow(r, money, provider) {
      const t = get(r, 'type')?.toLowerCase() ?? 'payment';
      const kind = (ROW_KINDS as readonly string[]).includes(t) ? (t as RowKind) : ALIASES[t];
      if (!kind) throw new RowError(`type "${t}" is not one of ${ROW_KINDS.join(', ')}`, r.line);
      const currency = money.currency(r, col('currency')!);
      const opt = (f: GenericField) => (col(f) ? money.amount(r, col(f)!, currency, { optional: true }) : 0);
      const gross = money.amount(r, col('amount')!, currency);
      const fee = opt('fee');
      return {
        line: r.line,
        provider,
        kind,
        providerPaymentId: get(r, 'provider_payment_id') ?? null,
        providerRefundId: get(r, 'provider_refund_id') ?? null,
        referenceId: get(r, 'reference_id') ?? null,
        gross,
        fee,
        feeStated: get(r, 'fee') !== undefined,
        tax: opt('tax'),
        net: col('net') && get(r, 'net') !== undefined ? opt('net') : Math.max(0, gross - fee),
        currency,
        occurredAt: col('occurred_at') ? money.time(r, col('occurred_at')!) : null,
        settlementId: get(r, 'settlement_id') ?? null,
        failed: /^(failed|failure|declined)$/i.test(get(r, 'status') ?? ''),
      };
    },
  };
}

/** "Txn ID=provider_payment_id,Gross=amount" (column=field, as the CLI takes it) → a mapping. */
export function parseMappingSpec(spec: string): Result<GenericMapping, string> {
  const mapping: GenericMapping = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.lastIndexOf('=');
    const column = part.slice(0, at).trim();
    const field = part.slice(at + 1).trim() as GenericField;
    if (at <= 0 || !column) return err(`"${part}" is not column=field`);
    if (!(GENERIC_FIELDS as readonly string[]).includes(field)) return err(`"${field}" is not a field; use one of ${GENERIC_FIELDS.join(', ')}`);
    mapping[field] = column;
  }
  return ok(mapping);
}
