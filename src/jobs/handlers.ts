// Job kinds handled by this build. Jobs of kinds without a handler here (bill.send,
// customer.order_update, payment.close_at_provider: the WhatsApp and payments
// adapters) stay queued, untouched, until a build that handles them runs: the
// outbox never drops work.
import type { AppContext } from '../app/context.ts';
import { inTransaction } from '../app/context.ts';
import { expireOrder } from '../app/orders.change.ts';
import { purgeKeysBefore } from '../store/idempotency.repository.ts';
import { enqueueJob, type JobRow } from '../store/jobs.repository.ts';
import { listExpiredOpenOrders } from '../store/orders.repository.ts';
import type { JobHandler } from './runner.ts';
import { PermanentJobError } from './runner.ts';

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
    'order.expire': async (job: JobRow) => {
      const orderId = String(job.payload['order_id'] ?? '');
      if (!job.merchant_id || !orderId) throw new PermanentJobError('order.expire needs merchant_id and order_id');
      const r = await inTransaction(ctx, (tx) => expireOrder(ctx, tx, job.merchant_id!, orderId));
      if (!r.ok) throw new PermanentJobError(r.error.message);
      // The order's expiry moved later (a new bill): expire then instead.
      if (r.value.retryAt) {
        await enqueueJob(ctx.db, { kind: 'order.expire', merchantId: job.merchant_id, payload: { order_id: orderId }, runAt: r.value.retryAt, dedupeKey: `order.expire:${orderId}:${r.value.retryAt.getTime()}` });
      }
    },
    maintenance: async () => {
      const now = ctx.clock.now();
      await purgeKeysBefore(ctx.db, new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS));
      // Safety net for expiry jobs that were lost to a restore or a manual edit.
      for (const o of await listExpiredOpenOrders(ctx.db, now, 500)) {
        await enqueueJob(ctx.db, { kind: 'order.expire', merchantId: o.merchant_id, payload: { order_id: o.id }, runAt: now, dedupeKey: `order.expire:${o.id}:sweep:${maintenanceDedupeKey(now)}` });
      }
      await scheduleMaintenance(ctx, new Date(now.getTime() + MAINTENANCE_EVERY_MS));
    },
  };
}
