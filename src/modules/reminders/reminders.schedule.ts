// Scheduling: when a bill has been sent (the `order.bill_sent` event, recorded in the send's
// own transaction), one job per step of the merchant's schedule, at the step's delay. Each
// job's dedupe key names the bill and the step, so a bill sent again (the same attempt) or
// an event followed twice schedules nothing more; the payment_reminders row of the step is
// the second lock, held when the job runs.
import type { AppContext, LoggedEvent } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getMerchantPolicies } from '../payments/index.ts';

export const REMIND_JOB = 'bill.remind';

export const remindDedupeKey = (paymentId: string, step: number, movedTo?: Date) =>
  `${REMIND_JOB}:${paymentId}:${step}${movedTo ? `:quiet:${movedTo.getTime()}` : ''}`;

export async function followBillSent(ctx: AppContext, tx: Tx, ev: LoggedEvent): Promise<void> {
  if (ev.type !== 'order.bill_sent' || !ev.order_id) return;
  const paymentId = ev.data['payment_id'];
  if (typeof paymentId !== 'string' || !paymentId) return;
  const { reminders } = await getMerchantPolicies(tx, ev.merchant_id);
  const sentAt = ctx.clock.now();
  for (const [i, s] of reminders.entries()) {
    const step = i + 1;
    await enqueueJob(tx, {
      kind: REMIND_JOB,
      merchantId: ev.merchant_id,
      payload: { order_id: ev.order_id, payment_id: paymentId, step },
      runAt: new Date(sentAt.getTime() + s.after_seconds * 1000),
      dedupeKey: remindDedupeKey(paymentId, step),
      maxAttempts: 5,
    });
  }
}
