// `chatcart reconcile FILE`: the same import as POST /v1/reconciliations: the file is streamed
// into the database and imported by the import job, which this command runs itself (or waits
// for, when a server's workers took it). Prints the run id and a table (category, count,
// amount per currency). Exit codes: 0 the report reconciles (only matched and informational
// rows), 3 there are mismatches, 1 the file was refused (the message names the line), 2 usage.
import fs from 'node:fs';
import path from 'node:path';
import { createImportRun, getReconciliationRun, importSettings, reconciliationJobHandlers, storeUpload } from '../../modules/reconciliation/index.ts';
import { JobRunner } from '../../platform/jobs/runner.ts';
import type { Config } from '../../config.ts';
import { formatMinor } from '../../domain/money.ts';
import { parseMappingSpec } from '../../domain/reconciliation/format.generic.ts';
import { AMOUNT_UNITS, CATEGORIES, REPORT_FORMATS, type AmountUnit, type ReportFormat } from '../../domain/reconciliation/report.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { openCliContext } from '../context.ts';

export const EXIT_MISMATCHES = 3;

const USAGE = `usage: chatcart reconcile FILE --merchant ID --format razorpay|stripe|generic [--provider P] [--map "Column=field,…"] [--amount-unit minor|major] [--from ISO --to ISO] [--apply-fees | --apply] [--settlement-days N] [--json]`;

function isoDate(v: string, name: string): Date {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 time such as 2026-03-01T00:00:00Z`);
  return d;
}

/**
 * Runs import jobs here until the run is no longer importing (a server's workers on the same
 * PostgreSQL may take the job instead: then this only waits for it).
 */
async function waitForRun(ctx: Awaited<ReturnType<typeof openCliContext>>, merchantId: string, runId: string) {
  const runner = new JobRunner({
    db: ctx.db,
    clock: ctx.clock,
    log: ctx.log,
    handlers: reconciliationJobHandlers(ctx),
    concurrency: 1,
    leaseMs: 60_000,
    pollMs: 250,
  });
  for (;;) {
    const run = (await getReconciliationRun(ctx.db, merchantId, runId))!;
    if (run.status !== 'importing') return run;
    if ((await runner.runOnce(1)) === 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function runReconcile(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    format: { type: 'string' },
    provider: { type: 'string' },
    map: { type: 'string' },
    'amount-unit': { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'apply-fees': { type: 'boolean' },
    apply: { type: 'boolean' },
    'settlement-days': { type: 'string' },
    json: { type: 'boolean' },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE);
  const merchantId = required(values.merchant, 'merchant');
  const format = required(values.format, 'format') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const unit = values['amount-unit'] as AmountUnit | undefined;
  if (unit !== undefined && !AMOUNT_UNITS.includes(unit)) throw new UsageError(`--amount-unit must be minor or major`);
  const parsedMap = values.map === undefined ? undefined : parseMappingSpec(values.map);
  if (parsedMap && !parsedMap.ok) throw new UsageError(`--map: ${parsedMap.error}`);
  const mapping = parsedMap?.ok ? parsedMap.value : undefined;
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('give both --from and --to, or neither');
  const period = values.from && values.to ? { from: isoDate(values.from, 'from'), to: isoDate(values.to, 'to') } : undefined;
  const days = values['settlement-days'];
  if (days !== undefined && !/^\d{1,3}$/.test(days)) throw new UsageError('--settlement-days must be a whole number of days');
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const settings = importSettings({
    format,
    provider: values.provider,
    amountUnit: unit,
    mapping,
    period,
    applyFees: values['apply-fees'] === true,
    apply: values.apply === true,
    settlementDays: days === undefined ? undefined : Number(days),
  });
  if (!settings.ok) throw new UsageError(settings.error.message);
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    const stored = await storeUpload(ctx, merchantId, fs.createReadStream(file), Number.POSITIVE_INFINITY);
    if (!stored.ok) {
      process.stderr.write(`chatcart: ${file}: ${stored.error.message}\n`);
      return 1;
    }
    const started = await createImportRun(ctx, merchantId, settings.value, stored.value, path.basename(file));
    const created = started.created;
    const run = await waitForRun(ctx, merchantId, started.run.id);
    if (run.status === 'failed') {
      process.stderr.write(`chatcart: ${file}: ${run.failure_reason ?? 'the import failed'}\n`);
      return 1;
    }
    if (values.json) {
      const out = {
        id: run.id,
        version: run.version,
        created,
        status: run.status,
        format: run.format,
        provider: run.provider,
        row_count: run.row_count,
        period: { from: run.period_start && new Date(run.period_start).toISOString(), to: run.period_end && new Date(run.period_end).toISOString() },
        totals: run.totals,
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      const rows = CATEGORIES.map((c) => {
        const t = run.totals[c] ?? { count: 0, amounts: {} };
        const amounts = Object.entries(t.amounts)
          .map(([cur, n]) => `${formatMinor(n, cur)} ${cur}`)
          .join(', ');
        return [c, String(t.count), amounts || '-'];
      });
      const w = [0, 1, 2].map((i) => Math.max(...[['category', 'count', 'amount'], ...rows].map((r) => r[i]!.length)));
      const line = (r: string[]) => `${r[0]!.padEnd(w[0]!)}  ${r[1]!.padStart(w[1]!)}  ${r[2]}`;
      process.stdout.write(
        `${created ? 'Reconciled' : 'Already reconciled (same file and settings)'}: run ${run.id} (version ${run.version}), ${run.row_count} rows, ${run.status}\n` +
          [line(['category', 'count', 'amount']), ...rows.map(line)].join('\n') +
          '\n',
      );
    }
    return run.status === 'clean' ? 0 : EXIT_MISMATCHES;
  } finally {
    await ctx.close();
  }
}
