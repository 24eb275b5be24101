// Reconciliation use cases: import a provider's settlement report and match it against
// our payments, refunds and ledger fees (a run), and match a stored report again later
// (a rerun: a new version of the run, the earlier versions kept as they were).
//
// Idempotent on the file: the same bytes with the same settings (format, provider,
// amount unit, mapping, period) return the newest existing run instead of a new one.
import crypto from 'node:crypto';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import type { GenericMapping } from '../../domain/reconciliation/format.generic.ts';
import { inferPeriod, matchReport } from '../../domain/reconciliation/match.ts';
import { payoutsOf } from '../../domain/reconciliation/payouts.ts';
import { DEFAULT_PROVIDER, parseReport } from '../../domain/reconciliation/parse.ts';
import type { AmountUnit, MatchItem, Period, ReportFormat, ReportRow } from '../../domain/reconciliation/report.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import {
  findLatestRun,
  getReportFile,
  getRun,
  insertItems,
  insertRun,
  ledgerFees,
  loadOurDisputes,
  loadOurPayments,
  loadOurRefunds,
  nextRunVersion,
  saveReportFile,
  type RunRow,
} from './reconciliation.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordPayout, recordProviderFee } from '../ledger/index.ts';

export interface ReportInput {
  format: ReportFormat;
  provider?: string | undefined;
  amountUnit?: AmountUnit | undefined;
  mapping?: GenericMapping | undefined;
  /** The span the report covers; by default from its earliest to its latest dated row. */
  period?: { from: Date; to: Date } | undefined;
  fileName?: string | undefined;
  /** Book the report's fees the ledger does not hold yet (recordProviderFee, idempotent per payment). */
  applyFees?: boolean | undefined;
  /** Book fees (as applyFees) and the report's payouts (recordPayout, idempotent per settlement). */
  apply?: boolean | undefined;
  /** A capture older than this many days the provider still holds back is `unsettled` (default 3). */
  settlementDays?: number | undefined;
  csv: string;
}

interface Settings {
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
const DAY_MS = 24 * 3600_000;

const PROVIDER_NAME = /^[a-z0-9_-]{1,32}$/;
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
const canonical = (v: unknown): string =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : JSON.stringify(v ?? null);

function settingsOf(input: Omit<ReportInput, 'csv' | 'fileName'>): Result<Settings> {
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
  return ok({
    format: input.format,
    provider,
    amount_unit: input.amountUnit ?? null,
    mapping: input.mapping ?? null,
    period: p ? { from: p.from.toISOString(), to: p.to.toISOString() } : null,
    // Only when set, so that the settings (and their hash) of plain runs stay as they were.
    ...(input.applyFees ? { apply_fees: true } : {}),
    ...(input.apply ? { apply: true } : {}),
    ...(days !== undefined && days !== DEFAULT_SETTLEMENT_DAYS ? { settlement_days: days } : {}),
  });
}

function parseWith(csv: string, s: Settings): Result<ReportRow[]> {
  const parsed = parseReport(csv, { format: s.format, provider: s.provider, amountUnit: s.amount_unit ?? undefined, mapping: s.mapping ?? undefined });
  return parsed.ok ? ok(parsed.value.rows) : parsed;
}

/** Imports a report: a new run (created) or, for a file already imported with the same settings, its newest run. */
export async function importReport(ctx: AppContext, merchantId: string, input: ReportInput): Promise<Result<{ run: RunRow; created: boolean }>> {
  const settings = settingsOf(input);
  if (!settings.ok) return settings;
  const fileHash = sha256(input.csv);
  const settingsHash = sha256(canonical(settings.value));
  const existing = await findLatestRun(ctx.db, merchantId, fileHash, settingsHash);
  if (existing) return ok({ run: existing, created: false });
  // Parsed before the transaction: a bad file costs no database work.
  const rows = parseWith(input.csv, settings.value);
  if (!rows.ok) return rows;
  return ctx.db.transaction(async (tx) => {
    await saveReportFile(tx, { merchantId, sha256: fileHash, content: input.csv, now: ctx.clock.now() });
    const run = await matchAndStore(ctx, tx, merchantId, {
      fileHash,
      settingsHash,
      settings: settings.value,
      rows: rows.value,
      version: 1,
      rerunOf: null,
      fileName: input.fileName ?? null,
    });
    if (run) return ok({ run, created: true });
    // A concurrent upload of the same file won the insert: answer with its run.
    return ok({ run: (await findLatestRun(tx, merchantId, fileHash, settingsHash))!, created: false });
  });
}

/** Matches a run's stored report again against today's data, as the next version. */
export async function rerunReport(ctx: AppContext, tx: Tx, merchantId: string, runId: string): Promise<Result<RunRow>> {
  const prior = await getRun(tx, merchantId, runId);
  if (!prior) return err(domainError('not_found', `No reconciliation run ${runId}`));
  const csv = await getReportFile(tx, merchantId, prior.file_sha256);
  if (csv === undefined) return err(domainError('not_found', `The report file of ${runId} is no longer stored`));
  const settings = prior.settings as unknown as Settings;
  const rows = parseWith(csv, settings);
  if (!rows.ok) return rows;
  const version = await nextRunVersion(tx, merchantId, prior.file_sha256, prior.settings_hash);
  const run = await matchAndStore(ctx, tx, merchantId, {
    fileHash: prior.file_sha256,
    settingsHash: prior.settings_hash,
    settings,
    rows: rows.value,
    version,
    rerunOf: prior.id,
    fileName: prior.file_name,
  });
  if (!run) return err(domainError('conflict', `Run ${runId} is being rerun by another request; list the runs and retry`));
  return ok(run);
}

async function matchAndStore(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  r: { fileHash: string; settingsHash: string; settings: Settings; rows: ReportRow[]; version: number; rerunOf: string | null; fileName: string | null },
): Promise<RunRow | undefined> {
  const s = r.settings;
  const period: Period | null = s.period ? { from: new Date(s.period.from), to: new Date(s.period.to) } : inferPeriod(r.rows);
  const ids = new Set<string>();
  const refundIds = new Set<string>();
  const disputeIds = new Set<string>();
  const disputedPayments = new Set<string>();
  for (const row of r.rows) {
    if (row.providerPaymentId) ids.add(row.providerPaymentId);
    if (row.providerRefundId) refundIds.add(row.providerRefundId);
    if (row.kind === 'dispute') {
      if (row.disputeId) disputeIds.add(row.disputeId);
      if (row.providerPaymentId) disputedPayments.add(row.providerPaymentId);
    }
  }
  const payments = await loadOurPayments(tx, merchantId, s.provider, [...ids], [], period);
  // The reference id is the fallback: asked only for payment rows whose provider id we do not know.
  const known = new Set(payments.map((p) => p.providerPaymentId));
  const refs = new Set<string>();
  for (const row of r.rows)
    if (row.kind === 'payment' && row.referenceId && !(row.providerPaymentId && known.has(row.providerPaymentId))) refs.add(row.referenceId);
  if (refs.size) for (const p of await loadOurPayments(tx, merchantId, s.provider, [], [...refs], null)) if (!known.has(p.providerPaymentId)) payments.push(p);
  const refunds = await loadOurRefunds(tx, merchantId, s.provider, [...refundIds], period);
  const fees = await ledgerFees(
    tx,
    merchantId,
    s.provider,
    payments.map((p) => p.providerPaymentId),
  );
  const disputes = await loadOurDisputes(tx, merchantId, s.provider, [...disputeIds], [...disputedPayments]);
  const unsettledBefore = new Date(ctx.clock.now().getTime() - (s.settlement_days ?? DEFAULT_SETTLEMENT_DAYS) * DAY_MS);
  const result = matchReport({ rows: r.rows, payments, refunds, fees, period, disputes, unsettledBefore });
  if (s.apply_fees || s.apply) await bookUnknownFees(ctx, tx, merchantId, s.provider, r.rows, result.items);
  if (s.apply) await bookPayouts(ctx, tx, merchantId, s.provider, s.format, r.rows, result.items);
  const run = await insertRun(tx, {
    id: newId('rec'),
    merchant_id: merchantId,
    file_sha256: r.fileHash,
    settings_hash: r.settingsHash,
    version: r.version,
    rerun_of: r.rerunOf,
    format: s.format,
    provider: s.provider,
    settings: s as unknown as Record<string, unknown>,
    file_name: r.fileName,
    period_start: period?.from ?? null,
    period_end: period?.to ?? null,
    status: result.clean ? 'clean' : 'mismatches',
    row_count: r.rows.length,
    totals: result.totals,
    now: ctx.clock.now(),
  });
  if (run) await insertItems(tx, run.id, merchantId, result.items);
  return run;
}

/**
 * For matched payments whose fee the ledger does not hold, books the report's fee (and its
 * tax, when stated) with the report row's time. A fee the ledger already holds is never
 * changed here: a different one is a fee_mismatch to look at, not to overwrite.
 */
async function bookUnknownFees(ctx: AppContext, tx: Tx, merchantId: string, provider: string, rows: readonly ReportRow[], items: MatchItem[]): Promise<void> {
  const byLine = new Map(rows.map((r) => [r.line, r]));
  for (const item of items) {
    if (item.category !== 'matched' || item.kind !== 'payment' || item.expectedFee !== null || !item.actualFee || !item.providerPaymentId || item.line === null)
      continue;
    const row = byLine.get(item.line)!;
    if (!row.feeStated) continue;
    const tax = row.tax > 0 && row.tax <= row.fee ? { tax: row.tax } : {};
    const booked = await recordProviderFee(tx, {
      merchantId,
      provider,
      providerPaymentId: item.providerPaymentId,
      orderId: item.orderId,
      fee: row.fee,
      ...tax,
      currency: row.currency,
      eventAt: row.occurredAt ?? ctx.clock.now(),
      source: 'reconciliation',
    });
    item.note = booked.ok ? `fee ${row.fee} booked to the ledger` : `fee not booked: ${booked.error.message}`;
    if (booked.ok) item.expectedFee = row.fee;
  }
}

/**
 * Books the report's payouts (recordPayout, idempotent per settlement id): Razorpay's from
 * its settled rows grouped by settlement_id, other formats' from their payout rows. Each
 * payout's note goes on the item of the line that states (or closes) it.
 */
async function bookPayouts(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  provider: string,
  format: ReportFormat,
  rows: readonly ReportRow[],
  items: MatchItem[],
): Promise<void> {
  const byLine = new Map<number, MatchItem>();
  for (const i of items) if (i.line !== null) byLine.set(i.line, i);
  for (const p of payoutsOf(rows, format)) {
    const target = byLine.get(p.line);
    const note = (text: string) => {
      if (target) target.note = target.note ? `${target.note}; ${text}` : text;
    };
    if (p.amount <= 0) {
      note(`settlement ${p.settlementId} nets ${p.amount}: no payout booked`);
      continue;
    }
    const booked = await recordPayout(tx, {
      merchantId,
      provider,
      settlementId: p.settlementId,
      amount: p.amount,
      currency: p.currency,
      eventAt: p.eventAt ?? ctx.clock.now(),
      ...(p.reference ? { reference: p.reference } : {}),
    });
    note(
      !booked.ok
        ? `payout ${p.settlementId} not booked: ${booked.error.message}`
        : booked.value.created
          ? `payout ${p.settlementId} of ${p.amount} booked to the ledger`
          : `payout ${p.settlementId} already in the ledger`,
    );
  }
}
