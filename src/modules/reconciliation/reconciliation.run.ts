// Importing a reconciliation run (its job): the stored file read a batch of rows at a time
// (reconciliation.read.ts), our records for those rows, the matching, the items (statements
// that stand alone, no transaction held across a batch); the run ends `clean`, `mismatches`
// or `failed` with the reason. Memory holds one batch of rows, plus what matching needs across
// batches (the provider payment ids already seen: see ReportMatcher), never the file. The
// upload and the run's start are in reconciliation.upload.ts.
import type { DomainError } from '../../domain/errors.ts';
import { addToTotals, emptyTotals, isClean, ReportMatcher } from '../../domain/reconciliation/match.ts';
import { PayoutCollector } from '../../domain/reconciliation/payouts.ts';
import type { MatchItem, OurPayment, Period, ReportRow } from '../../domain/reconciliation/report.ts';
import type { JobRow } from '../../platform/jobs/jobs.repository.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { appendItemNote, completeRun, failRun, getRun, insertItems, resetRunImport, updateRunProgress } from './reconciliation.repository.ts';
import { ledgerFees, loadOurDisputes, loadOurPayments, loadOurRefunds, periodPaymentsPage } from './reconciliation-records.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordPayout, recordProviderFee } from '../ledger/index.ts';
import { DEFAULT_SETTLEMENT_DAYS, readerFor, type Settings } from './reconciliation.settings.ts';
import { IMPORT_JOB } from './reconciliation.upload.ts';
import { readRows, ROWS_PER_BATCH, yieldToLoop } from './reconciliation.read.ts';

const DAY_MS = 24 * 3600_000;

/** Our records a batch of rows names, for the matcher. */
async function recordsFor(tx: Queryable, merchantId: string, provider: string, rows: readonly ReportRow[]) {
  const ids = new Set<string>();
  const refundIds = new Set<string>();
  const disputeIds = new Set<string>();
  const disputedPayments = new Set<string>();
  for (const row of rows) {
    if (row.providerPaymentId) ids.add(row.providerPaymentId);
    if (row.providerRefundId) refundIds.add(row.providerRefundId);
    if (row.kind === 'dispute') {
      if (row.disputeId) disputeIds.add(row.disputeId);
      if (row.providerPaymentId) disputedPayments.add(row.providerPaymentId);
    }
  }
  const payments: OurPayment[] = ids.size ? await loadOurPayments(tx, merchantId, provider, [...ids], [], null) : [];
  // The reference id is the fallback: asked only for payment rows whose provider id we do not know.
  const known = new Set(payments.map((p) => p.providerPaymentId));
  const refs = new Set<string>();
  for (const row of rows)
    if (row.kind === 'payment' && row.referenceId && !(row.providerPaymentId && known.has(row.providerPaymentId))) refs.add(row.referenceId);
  if (refs.size) for (const p of await loadOurPayments(tx, merchantId, provider, [], [...refs], null)) if (!known.has(p.providerPaymentId)) payments.push(p);
  const refunds = refundIds.size ? await loadOurRefunds(tx, merchantId, provider, [...refundIds], null) : [];
  const fees = await ledgerFees(
    tx,
    merchantId,
    provider,
    payments.map((p) => p.providerPaymentId),
  );
  const disputes = await loadOurDisputes(tx, merchantId, provider, [...disputeIds], [...disputedPayments]);
  return { payments, refunds, fees, disputes };
}

/**
 * The job: imports a run's stored file. Runs again from the start after a crash (the run's
 * items are dropped first; fees and payouts are booked idempotently). A bad file ends the
 * run `failed` with the reason; with apply or apply_fees the file is read once through
 * first, so that a bad line near its end books nothing.
 */
export async function importRun(ctx: AppContext, merchantId: string, runId: string): Promise<void> {
  const run = await getRun(ctx.db, merchantId, runId);
  if (!run || run.status !== 'importing') return;
  const s = run.settings as unknown as Settings;
  const fail = async (e: DomainError) => {
    const line = (e.details as { line?: unknown } | undefined)?.line;
    await ctx.db.transaction((tx) =>
      failRun(tx, runId, { reason: e.message, line: typeof line === 'number' ? line : null, totals: emptyTotals(), now: ctx.clock.now() }),
    );
    ctx.log.info({ run: runId, reason: e.message }, 'reconciliation import failed: the file was refused');
  };
  const reader = readerFor(s);
  if (!reader.ok) return fail(reader.error);
  await ctx.db.transaction((tx) => resetRunImport(tx, runId));

  const applyFees = s.apply_fees || s.apply;
  if (applyFees) {
    const checked = await readRows(ctx.db, merchantId, run.file_sha256, reader.value, { bytes: 0 }, async () => {
      await yieldToLoop();
    });
    if (!checked.ok) return fail(checked.error);
  }

  const unsettledBefore = new Date(ctx.clock.now().getTime() - (s.settlement_days ?? DEFAULT_SETTLEMENT_DAYS) * DAY_MS);
  const matcher = new ReportMatcher(unsettledBefore);
  const payouts = s.apply ? new PayoutCollector(s.format) : null;
  const totals = emptyTotals();
  const progress = { bytes: 0 };
  let seq = 0;
  let rowCount = 0;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const store = async (q: Queryable, items: MatchItem[]) => {
    await insertItems(q, runId, merchantId, items, seq + 1);
    seq += items.length;
    addToTotals(totals, items);
  };
  // No transaction around a batch: each statement stands alone, so on PGlite (one connection)
  // another request waits behind one statement at most, never a whole batch. A crash in the
  // middle is safe: the job starts the run over.
  const read = await readRows(ctx.db, merchantId, run.file_sha256, reader.value, progress, async (rows) => {
    const items = matcher.rows(rows, await recordsFor(ctx.db, merchantId, s.provider, rows));
    if (applyFees) await ctx.db.transaction((tx) => bookUnknownFees(ctx, tx, merchantId, s.provider, rows, items));
    rows.forEach((row, i) => {
      payouts?.add(row, seq + i + 1);
      const t = row.occurredAt?.getTime();
      if (t !== undefined) {
        if (t < from) from = t;
        if (t > to) to = t;
      }
    });
    rowCount += rows.length;
    await store(ctx.db, items);
    await updateRunProgress(ctx.db, runId, { bytesRead: progress.bytes, itemsImported: seq, rowCount, totals });
    await yieldToLoop();
  });
  if (!read.ok) return fail(read.error);

  // Our captures and refunds inside the period that the report did not name.
  const period: Period | null = s.period
    ? { from: new Date(s.period.from), to: new Date(s.period.to) }
    : from === Number.POSITIVE_INFINITY
      ? null
      : { from: new Date(from), to: new Date(to) };
  if (period) {
    for (let after = ''; ; ) {
      const page = await periodPaymentsPage(ctx.db, merchantId, s.provider, period, after, ROWS_PER_BATCH);
      if (!page.length) break;
      after = page[page.length - 1]!.providerPaymentId;
      await store(ctx.db, matcher.leftovers(page, [], period));
      await updateRunProgress(ctx.db, runId, { bytesRead: progress.bytes, itemsImported: seq, rowCount, totals });
      await yieldToLoop();
    }
  }
  await ctx.db.transaction(async (tx) => {
    if (period) await store(tx, matcher.leftovers([], await loadOurRefunds(tx, merchantId, s.provider, [], period), period));
    if (payouts) await bookPayouts(ctx, tx, merchantId, s.provider, runId, payouts);
    await completeRun(tx, runId, {
      status: isClean(totals) ? 'clean' : 'mismatches',
      totals,
      rowCount,
      itemsImported: seq,
      bytesRead: progress.bytes,
      period,
      now: ctx.clock.now(),
    });
  });
}

/** The job handlers of this module. */
export function reconciliationJobHandlers(ctx: AppContext) {
  return {
    [IMPORT_JOB]: async (job: JobRow) => {
      const runId = String(job.payload.run_id);
      try {
        await importRun(ctx, job.merchant_id!, runId);
      } catch (e) {
        // The last attempt: the run must not stay `importing` for ever (the CLI waits for it).
        if (job.attempts >= job.max_attempts) {
          const reason = `the import failed after ${job.attempts} attempts: ${e instanceof Error ? e.message : String(e)}`;
          await ctx.db.transaction((tx) => failRun(tx, runId, { reason, line: null, totals: emptyTotals(), now: ctx.clock.now() }));
        }
        throw e;
      }
    },
  };
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
      now: ctx.clock.now(),
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
async function bookPayouts(ctx: AppContext, tx: Tx, merchantId: string, provider: string, runId: string, payouts: PayoutCollector): Promise<void> {
  for (const p of payouts.payouts()) {
    const note = async (text: string) => {
      if (p.ref !== undefined) await appendItemNote(tx, runId, p.ref, text);
    };
    if (p.amount <= 0) {
      await note(`settlement ${p.settlementId} nets ${p.amount}: no payout booked`);
      continue;
    }
    const booked = await recordPayout(tx, {
      merchantId,
      provider,
      settlementId: p.settlementId,
      amount: p.amount,
      currency: p.currency,
      eventAt: p.eventAt ?? ctx.clock.now(),
      now: ctx.clock.now(),
      ...(p.reference ? { reference: p.reference } : {}),
    });
    await note(
      !booked.ok
        ? `payout ${p.settlementId} not booked: ${booked.error.message}`
        : booked.value.created
          ? `payout ${p.settlementId} of ${p.amount} booked to the ledger`
          : `payout ${p.settlementId} already in the ledger`,
    );
  }
}
