// The sandbox PSP's background work, run by chatcart's own job queue: webhook
// delivery, checkout expiry and refund settlement. None of it exists in live mode.
import { expireCheckout } from './psp.checkouts.ts';
import { settlePendingRefund } from './psp.refunds.ts';
import { JOB_DELIVER, JOB_EXPIRE, JOB_SETTLE_REFUND } from './psp.types.ts';
import { deliveryJobHandler } from './psp.webhooks.ts';
import type { SandboxContext, SandboxJobHandler } from '../host.ts';

export function sandboxPspJobHandlers(ctx: SandboxContext): Record<string, SandboxJobHandler> {
  if (ctx.mode !== 'sandbox') return {};
  return {
    [JOB_DELIVER]: deliveryJobHandler(ctx),
    [JOB_EXPIRE]: async (job) => {
      const id = String(job.payload['checkout_id'] ?? '');
      if (!id) throw ctx.jobs.permanent(`${JOB_EXPIRE} needs checkout_id`);
      const { retryAt } = await expireCheckout(ctx, id);
      // Ran early (the job was enqueued by hand, or clocks disagree): try again at the expiry.
      if (retryAt)
        await ctx.jobs.enqueue(ctx.db, {
          kind: JOB_EXPIRE,
          payload: { checkout_id: id },
          runAt: retryAt,
          dedupeKey: `${JOB_EXPIRE}:${id}:${retryAt.getTime()}`,
        });
    },
    [JOB_SETTLE_REFUND]: async (job) => {
      const id = String(job.payload['refund_id'] ?? '');
      if (!id) throw ctx.jobs.permanent(`${JOB_SETTLE_REFUND} needs refund_id`);
      await settlePendingRefund(ctx, id);
    },
  };
}
