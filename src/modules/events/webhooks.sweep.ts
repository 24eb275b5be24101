// Safety net for outgoing webhooks: a pending delivery is driven only by its attempt
// job, so if that job is deleted (a restore, a manual clean-up) or dies (the runner
// gave up after repeated crashes between the send and its record), nothing would ever
// retry it. The sweep finds such deliveries and re-queues their attempt under the same
// unique job key (reviving the dead row, or inserting it when missing), so running it
// twice, or on two processes, queues one job. A job that keeps dying is not revived
// forever: after MAX_SWEEPS revivals the delivery fails with a clear last_error.
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { updateDelivery } from './webhook-deliveries.repository.ts';
import { listStrandedDeliveries, reviveJob } from './webhook-sweep.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';
import { enqueueDeliveryJobs } from './webhooks.fanout.ts';

export const SWEEP_EVERY_MS = 5 * 60_000;
export const MAX_SWEEPS = 3;
const BATCH = 200;

export interface SweepResult {
  requeued: number;
  failed: number;
}

export async function sweepStrandedDeliveries(ctx: AppContext, o: { maxBatches?: number } = {}): Promise<SweepResult> {
  const out: SweepResult = { requeued: 0, failed: 0 };
  for (let b = 0; b < (o.maxBatches ?? 10); b++) {
    const n = await inTransaction(ctx, async (tx) => {
      const now = ctx.clock.now();
      const rows = await listStrandedDeliveries(tx, now, BATCH);
      for (const d of rows) {
        if (d.job_id !== null && d.job_sweeps >= MAX_SWEEPS) {
          await updateDelivery(
            tx,
            d.merchant_id,
            d.id,
            { status: 'failed', next_attempt_at: null, last_error: `the delivery job died ${d.job_sweeps + 1} times` },
            now,
          );
          out.failed++;
        } else if (d.job_id !== null) {
          if (await reviveJob(tx, d.job_id, now)) out.requeued++;
        } else {
          await enqueueDeliveryJobs(tx, [d], now);
          out.requeued++;
        }
      }
      return rows.length;
    });
    if (n < BATCH) break;
  }
  if (out.requeued || out.failed) ctx.log.warn(out, 'webhook sweep re-queued deliveries whose job was gone');
  return out;
}

/** The sweep's own recurring job: one per SWEEP_EVERY_MS slot, whichever process or chain queues it. */
export async function scheduleWebhookSweep(ctx: AppContext, after: Date): Promise<void> {
  const slot = Math.floor(after.getTime() / SWEEP_EVERY_MS) + 1;
  await enqueueJob(ctx.db, { kind: 'webhooks.sweep', runAt: new Date(slot * SWEEP_EVERY_MS), dedupeKey: `webhooks.sweep:${slot}`, maxAttempts: 3 });
}
