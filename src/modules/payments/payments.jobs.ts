// Jobs of the payments flow: processing stored provider webhooks, lookups and the
// poller, refunds at the provider, closing superseded checkout objects, and expiry.
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { expireWithProvider } from './payments.expire.ts';
import { ProviderRejectedError, type RefundResult } from '../../platform/payment-provider.port.ts';
import { adapterNameFor } from '../orders/index.ts';
import { lookupAttempt, pollAttempt } from './payments.lookup.ts';
import { processProviderEvent } from './payments.provider-webhooks.ts';
import { accountFor } from './payments.provider-accounts.ts';
import { applyRefundOutcome } from './payments.refunds.ts';
import { enqueueJob, type JobRow } from '../../platform/jobs/jobs.repository.ts';
import { getPayment } from '../orders/index.ts';
import { getRefund } from './refunds.repository.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';

const need = (job: JobRow, key: string): string => {
  const v = job.payload[key];
  if (!job.merchant_id || typeof v !== 'string' || !v) throw new PermanentJobError(`${job.kind} needs merchant_id and ${key}`);
  return v;
};

/** How many times a pending refund is re-asked before we wait for the webhook only. */
const REFUND_CHECKS = 8;

export function paymentJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    'order.expire': async (job) => {
      const orderId = need(job, 'order_id');
      const r = await expireWithProvider(ctx, job.merchant_id!, orderId);
      if (!r.ok) throw new PermanentJobError(r.error.message);
      // Not yet (a new bill moved expiry, or a payment is pending): try again then.
      if (r.value.retryAt) {
        await enqueueJob(ctx.db, {
          kind: 'order.expire',
          merchantId: job.merchant_id,
          payload: { order_id: orderId },
          runAt: r.value.retryAt,
          dedupeKey: `order.expire:${orderId}:${r.value.retryAt.getTime()}`,
        });
      }
    },
    'provider_event.process': async (job) => processProviderEvent(ctx, need(job, 'provider_event_id')),
    'payment.lookup': async (job) => {
      await lookupAttempt(ctx, job.merchant_id!, need(job, 'payment_id'));
    },
    'payment.poll': async (job) => pollAttempt(ctx, job.merchant_id!, need(job, 'payment_id'), Number(job.payload['n'] ?? 0)),
    'payment.close_at_provider': async (job) => {
      const attempt = await getPayment(ctx.db, job.merchant_id!, need(job, 'payment_id'));
      if (!attempt?.provider_object_id) return;
      const acc = await accountFor(ctx, attempt.merchant_id, attempt.provider);
      if (!acc.ok) throw new PermanentJobError(acc.error.message);
      await acc.value.adapter.cancel(acc.value.account.credentials, attempt.provider_object_id);
      // Money that moved before the cancel took effect is found here (late-payment path).
      await lookupAttempt(ctx, attempt.merchant_id, attempt.id);
    },
    'refund.execute': async (job) => {
      const refundId = need(job, 'refund_id');
      const n = Number(job.payload['n'] ?? 0);
      const refund = await getRefund(ctx.db, job.merchant_id!, refundId);
      if (!refund || refund.status !== 'pending') return;
      if (!refund.provider || !refund.provider_payment_id) throw new PermanentJobError(`refund ${refundId} has no provider payment`);
      const actor = { source: 'job' as const, id: 'refund' };
      const attempt = await getPayment(ctx.db, refund.merchant_id, refund.payment_id);
      try {
        let r: RefundResult;
        const acc = await accountFor(ctx, refund.merchant_id, attempt ? adapterNameFor(attempt) : refund.provider);
        if (!acc.ok) throw new PermanentJobError(acc.error.message);
        if (acc.value.adapter.idempotentRefunds === false && refund.provider_refund_id && attempt) {
          // The provider's refund call takes no idempotency key (WhatsApp Pay): it was asked once; follow it through lookups.
          await lookupAttempt(ctx, refund.merchant_id, attempt.id);
          const now = await getRefund(ctx.db, refund.merchant_id, refundId);
          r = { providerRefundId: refund.provider_refund_id, status: now?.status ?? 'pending' };
        } else {
          // Idempotent at the provider (our rfd_ id is the key): asking again is also how we check on it.
          r = await acc.value.adapter.refund(acc.value.account.credentials, {
            refundId,
            providerPaymentId: refund.provider_payment_id,
            amount: refund.amount,
            currency: refund.currency,
            reason: refund.reason ?? undefined,
            referenceId: attempt?.reference_id,
          });
        }
        await inTransaction(ctx, (tx) =>
          applyRefundOutcome(ctx, tx, actor, refund.merchant_id, refundId, { status: r.status, providerRefundId: r.providerRefundId }),
        );
        if (r.status === 'pending' && n < REFUND_CHECKS) {
          await enqueueJob(ctx.db, {
            kind: 'refund.execute',
            merchantId: refund.merchant_id,
            payload: { refund_id: refundId, n: n + 1 },
            runAt: new Date(ctx.clock.now().getTime() + 60_000 * 2 ** n),
            dedupeKey: `refund.execute:${refundId}:${n + 1}`,
          });
        }
      } catch (e) {
        if (!(e instanceof ProviderRejectedError)) throw e;
        await inTransaction(ctx, (tx) => applyRefundOutcome(ctx, tx, actor, refund.merchant_id, refundId, { status: 'failed', reason: e.message }));
      }
    },
  };
}
