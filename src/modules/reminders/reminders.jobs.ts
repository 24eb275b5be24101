// The reminder job (thin: the use case decides everything under the order's lock).
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';
import { REMIND_JOB } from './reminders.schedule.ts';
import { sendReminder } from './reminders.send.ts';

export function reminderJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    [REMIND_JOB]: async (job) => {
      const { order_id, payment_id, step } = job.payload;
      if (typeof order_id !== 'string' || typeof payment_id !== 'string' || typeof step !== 'number' || !job.merchant_id)
        throw new PermanentJobError(`${REMIND_JOB} needs order_id, payment_id, step and a merchant`);
      await sendReminder(ctx, job.merchant_id, { orderId: order_id, paymentId: payment_id, step });
    },
  };
}
