// A reconciliation run's settings (format, provider, amount unit, mapping, period), checked
// before any byte of the file is read, and the reader they choose.
import { domainError } from '../../domain/errors.ts';
import type { GenericMapping } from '../../domain/reconciliation/format.generic.ts';
import { DEFAULT_PROVIDER, reportReader, type ReportReader } from '../../domain/reconciliation/parse.ts';
import type { AmountUnit, ReportFormat } from '../../domain/reconciliation/report.ts';
import { err, ok, type Result } from '../../domain/result.ts';

export interface ReportSettingsInput {
  format: ReportFormat;
  provider?: string | undefined;
  amountUnit?: AmountUnit | undefined;
  mapping?: GenericMapping | undefined;
  /** The span the report covers; by default from its earliest to its latest dated row. */
  period?: { from: Date; to: Date } | undefined;
  /** Book the report's fees the ledger does not hold yet (recordProviderFee, idempotent per payment). */
  applyFees?: boolean | undefined;
  /** Book fees (as applyFees) and the report's payouts (recordPayout, idempotent per settlement). */
  apply?: boolean | undefined;
  /** A capture older than this many days the provider still holds back is `unsettled` (default 3). */
  settlementDays?: number | undefined;
}

export interface ReportInput extends ReportSettingsInput {
  fileName?: string | undefined;
  csv: string;
}

export interface Settings {
  format: ReportFormat;
  provider: string;
  amount_unit: AmountUnit | null;
  mapping: GenericMapping | null;
  period: { from: string; to: string } | null;
  apply_fees?: boolean;
  apply?: boolean;
  settlement_days?: number;
}

export const DEFAULT_SETTLEMENT_DAYS = 3;

const PROVIDER_NAME = /^[a-z0-9_-]{1,32}$/;
export const canonical = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : JSON.stringify(v ?? null);

/** The run's settings, checked before any byte of the file is read. */
export function importSettings(input: ReportSettingsInput): Result<Settings> {
  const provider = input.provider ?? DEFAULT_PROVIDER[input.format];
  if (!provider)
    return err(
      domainError('validation_error', 'a generic report needs provider (the provider its payments were made with, e.g. sandbox, razorpay, stripe)', {
        path: 'provider',
      }),
    );
  if (!PROVIDER_NAME.test(provider)) return err(domainError('validation_error', 'provider must be 1 to 32 of a-z 0-9 _ -', { path: 'provider' }));
  if (input.format !== 'generic' && input.mapping) return err(domainError('validation_error', 'a mapping is only for format=generic', { path: 'mapping' }));
  const p = input.period;
  const days = input.settlementDays;
  if (days !== undefined && !(Number.isSafeInteger(days) && days >= 0 && days <= 365))
    return err(domainError('validation_error', 'settlement_days must be a whole number of days from 0 to 365', { path: 'settlement_days' }));
  if (p && !(p.from <= p.to)) return err(domainError('validation_error', 'period_from must not be after period_to', { path: 'period_from' }));
  const settings: Settings = {
    format: input.format,
    provider,
    amount_unit: input.amountUnit ?? null,
    mapping: input.mapping ?? null,
    period: p ? { from: p.from.toISOString(), to: p.to.toISOString() } : null,
    // Only when set, so that the settings (and their hash) of plain runs stay as they were.
    ...(input.applyFees ? { apply_fees: true } : {}),
    ...(input.apply ? { apply: true } : {}),
    ...(days !== undefined && days !== DEFAULT_SETTLEMENT_DAYS ? { settlement_days: days } : {}),
  };
  // A generic report without a usable mapping can read no file: refused now, not in the job.
  const reader = readerFor(settings);
  return reader.ok ? ok(settings) : reader;
}

export const readerFor = (s: Settings): Result<ReportReader> =>
  reportReader({ format: s.format, provider: s.provider, amountUnit: s.amount_unit ?? undefined, mapping: s.mapping ?? undefined });
