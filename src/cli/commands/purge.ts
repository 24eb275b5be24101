// `chatcart purge [--dry-run] [--json]`: the retention purge the hourly job runs
// (docs/operations.md), now and to the end: redacts raw webhook bodies and conversation
// content older than RETENTION_DAYS_*; --dry-run only counts.
import { purgePersonalData } from '../../modules/ops/index.ts';
import type { Config } from '../../config.ts';
import { flags, UsageError } from '../args.ts';
import { openCliContext } from '../context.ts';

export async function runPurge(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
  if (positionals.length) throw new UsageError('usage: chatcart purge [--dry-run] [--json]');
  const ctx = await openCliContext(cfg);
  try {
    const dryRun = values['dry-run'] === true;
    let report = await purgePersonalData(ctx, { dryRun });
    const counts = { ...report.counts };
    // Unlike the job, the command runs until nothing is left.
    while (report.more) {
      report = await purgePersonalData(ctx);
      for (const [k, n] of Object.entries(report.counts)) counts[k as keyof typeof counts] = (counts[k as keyof typeof counts] ?? 0) + (n ?? 0);
    }
    const out = { dry_run: dryRun, cutoffs: report.cutoffs, counts };
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      const verb = dryRun ? 'would redact' : 'redacted';
      const lines = Object.entries(counts).map(([t, n]) => `  ${t}: ${verb} ${n}`);
      process.stdout.write(
        `Retention: webhook bodies before ${report.cutoffs.webhook_bodies ?? '(kept forever)'}, conversations before ${report.cutoffs.conversations ?? '(kept forever)'}, unsent uploads before ${report.cutoffs.media ?? '(kept forever)'}\n${lines.join('\n')}${lines.length ? '\n' : ''}`,
      );
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
