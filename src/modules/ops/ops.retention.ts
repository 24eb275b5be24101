// Data retention: raw webhook bodies and conversation content hold customers' personal
// data, so they are redacted after a configurable period (RETENTION_DAYS_WEBHOOK_BODIES,
// RETENTION_DAYS_CONVERSATIONS, RETENTION_DAYS_MEDIA; docs/operations.md). Global settings rather than per
// merchant: the WhatsApp inbox is stored before it is routed to a merchant, and an
// operator answers for the whole installation's data. The purge works in bounded
// batches (one short transaction each) and is idempotent; what the money audit needs
// (orders, payments, refunds, events, ledger) is never touched, nor is anything still
// waiting to be processed or sent.
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { countPurgeable, PURGE_TARGETS, purgeBatch, type PurgeSetting, type PurgeTargetName } from './retention.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';

export interface RetentionPolicy {
  /** Days; null keeps forever. */
  webhookBodiesDays: number | null;
  conversationsDays: number | null;
  /** Uploads (POST /v1/uploads) no message names, after this many days. */
  mediaDays: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = { webhookBodiesDays: 30, conversationsDays: 365, mediaDays: 30 };
/**
 * The live stream's coalesced changes are kept this long (not a setting: they hold no personal
 * data, and no open stream is ever that far behind). A client resuming from a position behind
 * what was pruned gets a 410 from GET /v1/stream and starts afresh.
 */
export const STREAM_CHANGES_KEEP_HOURS = 24;
export const PURGE_BATCH = 500;
/** Batches per target per run: a run stays short; what is left is queued as a follow-up run. */
export const PURGE_MAX_BATCHES = 20;

const DAY = 86_400_000;

export interface PurgeReport {
  dryRun: boolean;
  /** Rows redacted (or, dry, that would be) per target; targets whose setting is off are absent. */
  counts: Partial<Record<PurgeTargetName, number>>;
  cutoffs: Record<PurgeSetting, string | null>;
  /** Some target hit its batch budget: more remains for the next run. */
  more: boolean;
}

export function retentionOf(ctx: AppContext): RetentionPolicy {
  return { ...DEFAULT_RETENTION, ...ctx.retention };
}

export async function purgePersonalData(ctx: AppContext, o: { dryRun?: boolean; batchSize?: number; maxBatches?: number } = {}): Promise<PurgeReport> {
  const policy = retentionOf(ctx);
  const now = ctx.clock.now();
  const cutoff = (days: number | null) => (days === null ? null : new Date(now.getTime() - days * DAY));
  const cutoffs: Record<PurgeSetting, Date | null> = {
    webhook_bodies: cutoff(policy.webhookBodiesDays),
    conversations: cutoff(policy.conversationsDays),
    media: cutoff(policy.mediaDays),
    stream_changes: new Date(now.getTime() - STREAM_CHANGES_KEEP_HOURS * 3_600_000),
  };
  const report: PurgeReport = {
    dryRun: !!o.dryRun,
    counts: {},
    cutoffs: {
      webhook_bodies: cutoffs.webhook_bodies?.toISOString() ?? null,
      conversations: cutoffs.conversations?.toISOString() ?? null,
      media: cutoffs.media?.toISOString() ?? null,
      stream_changes: cutoffs.stream_changes?.toISOString() ?? null,
    },
    more: false,
  };
  const size = o.batchSize ?? PURGE_BATCH;
  for (const name of Object.keys(PURGE_TARGETS) as PurgeTargetName[]) {
    const at = cutoffs[PURGE_TARGETS[name].setting];
    if (at === null) continue;
    if (o.dryRun) {
      report.counts[name] = await countPurgeable(ctx.db, name, at);
      continue;
    }
    let total = 0;
    for (let b = 0; ; b++) {
      if (b === (o.maxBatches ?? PURGE_MAX_BATCHES)) {
        report.more = true;
        break;
      }
      const n = await inTransaction(ctx, (tx) => purgeBatch(tx, name, at, now, size));
      total += n;
      if (n < size) break;
    }
    report.counts[name] = total;
  }
  const redacted = Object.values(report.counts).reduce((a, b) => a + (b ?? 0), 0);
  if (redacted && !o.dryRun) ctx.log.info({ counts: report.counts, more: report.more }, 'retention purge redacted personal data');
  return report;
}

/** The recurring job: queued by the hourly maintenance job, once per hour whatever the number of processes. */
export async function scheduleRetentionPurge(ctx: AppContext, at: Date, slotKey: string): Promise<void> {
  await enqueueJob(ctx.db, { kind: 'retention.purge', runAt: at, dedupeKey: `retention.purge:${slotKey}`, maxAttempts: 3 });
}
