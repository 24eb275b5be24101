// The Cloud API double's background work, run by chatcart's own job queue: the status
// sequence of sent messages, webhook delivery and refund settlement. None of it exists
// in live mode.
import { settleRefundJobHandler } from './wa.payments.ts';
import { statusJobHandler } from './wa.statuses.ts';
import { JOB_DELIVER, JOB_SETTLE_REFUND, JOB_STATUS } from './wa.types.ts';
import { deliveryJobHandler } from './wa.webhooks.ts';
import type { SandboxContext, SandboxJobHandler } from '../host.ts';

export function sandboxWhatsAppJobHandlers(ctx: SandboxContext): Record<string, SandboxJobHandler> {
  if (ctx.mode !== 'sandbox') return {};
  return {
    [JOB_STATUS]: statusJobHandler(ctx),
    [JOB_DELIVER]: deliveryJobHandler(ctx),
    [JOB_SETTLE_REFUND]: settleRefundJobHandler(ctx),
  };
}
