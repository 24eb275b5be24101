// Job kinds handled by this build. A job of a kind without a handler stays queued,
// untouched, until a build that handles it runs: the outbox never drops work.
import type { AppContext } from '../platform/context.ts';
import { purgeKeysBefore } from '../platform/http/idempotency.repository.ts';
import { enqueueJob } from '../platform/jobs/jobs.repository.ts';
import { listExpiredOpenOrders } from '../modules/orders/index.ts';
import { paymentJobHandlers } from '../modules/payments/index.ts';
import { scheduleCatalogImports, whatsappJobHandlers } from '../modules/whatsapp/index.ts';
import { automationJobHandlers } from '../modules/automation/index.ts';
import { catalogJobHandlers } from '../modules/catalog/index.ts';
import { checkoutLinkJobHandlers } from '../modules/checkout-links/index.ts';
import { webhookJobHandlers } from '../modules/events/index.ts';
import { reminderJobHandlers } from '../modules/reminders/index.ts';
import { scheduleWebhookSweep } from '../modules/events/index.ts';
import { refreshPlannerStatistics, scheduleRetentionPurge } from '../modules/ops/index.ts';
import { retentionJobHandlers } from '../modules/ops/index.ts';
import { purgeOrphanUploads, reconciliationJobHandlers } from '../modules/reconciliation/index.ts';
import { sandboxJobHandlers } from '@chatcart/sandbox';
import { sandboxContext } from './sandbox-host.ts';
import type { JobHandler } from '../platform/jobs/runner.ts';

/** Idempotency keys are kept at least this long (the contract promises 24 h). */
export const IDEMPOTENCY_RETENTION_MS = 48 * 3600_000;
export const MAINTENANCE_EVERY_MS = 3600_000;

export function maintenanceDedupeKey(at: Date): string {
  return `maintenance:${Math.floor(at.getTime() / MAINTENANCE_EVERY_MS)}`;
}

export async function scheduleMaintenance(ctx: AppContext, at: Date): Promise<void> {
  await enqueueJob(ctx.db, { kind: 'maintenance', runAt: at, dedupeKey: maintenanceDedupeKey(at), maxAttempts: 3 });
}

export function jobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    ...paymentJobHandlers(ctx),
    ...whatsappJobHandlers(ctx),
    ...automationJobHandlers(ctx),
    ...catalogJobHandlers(ctx),
    ...checkoutLinkJobHandlers(ctx),
    ...sandboxJobHandlers(sandboxContext(ctx)),
    ...webhookJobHandlers(ctx),
    ...retentionJobHandlers(ctx),
    ...reconciliationJobHandlers(ctx),
    ...reminderJobHandlers(ctx),
    maintenance: async () => {
      const now = ctx.clock.now();
      await purgeKeysBefore(ctx.db, new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS));
      await purgeOrphanUploads(ctx, now);
      // Safety net for expiry jobs that were lost to a restore or a manual edit.
      for (const o of await listExpiredOpenOrders(ctx.db, now, 500)) {
        await enqueueJob(ctx.db, {
          kind: 'order.expire',
          merchantId: o.merchant_id,
          payload: { order_id: o.id },
          runAt: now,
          dedupeKey: `order.expire:${o.id}:sweep:${maintenanceDedupeKey(now)}`,
        });
      }
      await scheduleWebhookSweep(ctx, now);
      await scheduleRetentionPurge(ctx, now, maintenanceDedupeKey(now));
      await scheduleCatalogImports(ctx);
      await refreshPlannerStatistics(ctx);
      await scheduleMaintenance(ctx, new Date(now.getTime() + MAINTENANCE_EVERY_MS));
    },
  };
}
