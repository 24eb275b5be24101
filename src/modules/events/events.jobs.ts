// Jobs of outgoing webhooks: fan an event out to the subscribed endpoints, and make one
// delivery attempt. Retries are new jobs the attempt schedules itself (the schedule is
// data in app/webhooks.policy.ts), so the runner's own backoff only covers crashes.
import type { AppContext } from '../../platform/context.ts';
import { attemptDelivery, type DeliverOptions } from './webhooks.delivery.ts';
import { fanOutEvent } from './webhooks.fanout.ts';
import { DEFAULT_DELIVERY_POLICY } from './webhooks.policy.ts';
import { scheduleWebhookSweep, sweepStrandedDeliveries } from './webhooks.sweep.ts';
import type { JobRow } from '../../platform/jobs/jobs.repository.ts';
import { PermanentJobError, type JobHandler } from '../../platform/jobs/runner.ts';

function need(job: JobRow, key: string): string {
  const v = job.payload[key];
  if (!job.merchant_id || typeof v !== 'string' || !v) throw new PermanentJobError(`${job.kind} needs merchant_id and ${key}`);
  return v;
}

const int = (job: JobRow, key: string): number => {
  const v = job.payload[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new PermanentJobError(`${job.kind} needs an integer ${key}`);
  return v;
};

export function webhookJobHandlers(ctx: AppContext, o: Partial<DeliverOptions> = {}): Record<string, JobHandler> {
  const options: DeliverOptions = { policy: o.policy ?? DEFAULT_DELIVERY_POLICY, resolve: o.resolve, ...(o.random ? { random: o.random } : {}) };
  return {
    'webhooks.fanout': async (job) => {
      await fanOutEvent(ctx, job.merchant_id!, need(job, 'event_id'));
    },
    'webhooks.deliver': async (job) => {
      await attemptDelivery(ctx, job.merchant_id!, { deliveryId: need(job, 'delivery_id'), round: int(job, 'round'), attempt: int(job, 'attempt') }, options);
    },
    // Every 5 minutes (chained; maintenance restarts the chain if it ever breaks).
    'webhooks.sweep': async () => {
      await sweepStrandedDeliveries(ctx);
      await scheduleWebhookSweep(ctx, ctx.clock.now());
    },
  };
}
