// The retention purge as a job: bounded batches per run; when a run leaves work (a
// backlog after enabling retention on a large database), it queues a follow-up run
// right away rather than waiting for the next hour.
import type { AppContext } from '../../platform/context.ts';
import { purgePersonalData, scheduleRetentionPurge } from './ops.retention.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';

export function retentionJobHandlers(ctx: AppContext, o: { batchSize?: number; maxBatches?: number } = {}): Record<string, JobHandler> {
  return {
    'retention.purge': async () => {
      const report = await purgePersonalData(ctx, o);
      if (report.more) {
        const now = ctx.clock.now();
        await scheduleRetentionPurge(ctx, now, `more:${now.getTime()}`);
      }
    },
  };
}
