// Jobs of checkout links: the receipt a payer opted in to.
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';
import { sendLinkReceipt } from './checkout-links.payments.ts';

export function checkoutLinkJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    'checkout_link.receipt': async (job) => {
      const orderId = job.payload['order_id'];
      if (typeof orderId !== 'string' || !job.merchant_id) throw new PermanentJobError(`${job.kind} needs order_id`);
      await sendLinkReceipt(ctx, job.merchant_id, orderId);
    },
  };
}
