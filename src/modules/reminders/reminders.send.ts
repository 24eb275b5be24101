// The reminder job of one (bill, step). In one transaction, under the order's row lock:
// nothing when the bill is no longer the order's open, unexpired, unpaid bill (paid,
// canceled, expired, superseded by a new bill), when the order came from a checkout link,
// or when the step already acted (its payment_reminders row: redelivery sends nothing twice);
// moved to the end of the quiet hours when due inside them (or ended, when the bill expires
// first); ended for an opted-out customer, or outside the window without a reminder template.
// Otherwise the step's row and the message are written together. The message is the text,
// with the template as its fallback: the send job picks by the window at send time, and
// skips it if the customer opts out meanwhile (a non-essential message). What Meta answers
// (131049 / 131050, the marketing limits) fails that message for good: a step is never retried.
import { newId } from '../../domain/ids.ts';
import { billAwaitsPayment, outsideQuietHours } from '../../domain/payment/reminders.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getCustomer, windowOpen } from '../customers/index.ts';
import { getBusinessSettings } from '../merchants/index.ts';
import { getOrder, getPayment, type OrderRow, type PaymentRow } from '../orders/index.ts';
import { getMerchantPolicies } from '../payments/index.ts';
import { queueMessage } from '../whatsapp/index.ts';
import { reminderTemplate, reminderText } from './reminders.compose.ts';
import { findReminder, insertReminder, setReminderMessage } from './reminders.repository.ts';
import { REMIND_JOB, remindDedupeKey } from './reminders.schedule.ts';

export interface ReminderJob {
  orderId: string;
  paymentId: string;
  step: number;
}

export type ReminderOutcome =
  | 'queued'
  | 'not_due' // the bill is paid, canceled, expired or superseded, or not one reminders are for
  | 'already_done'
  | 'moved' // due in the quiet hours: a job at their end
  | 'skipped'; // the step ended without a message (a row says why)

/**
 * The bill a reminder is about is still open and unpaid (domain/payment/reminders.ts). Orders
 * have no `source` column yet: a checkout-link order (`source: "checkout_link"`) is recognized
 * once the checkout-links work adds it, since the row is read whole.
 */
export const billStillOpen = (o: OrderRow, p: PaymentRow, now: Date): boolean =>
  billAwaitsPayment({ order: o as OrderRow & { source?: string | null }, payment: p }, now);

export async function sendReminder(ctx: AppContext, merchantId: string, job: ReminderJob): Promise<ReminderOutcome> {
  return inTransaction(ctx, (tx) => remindInTx(ctx, tx, merchantId, job));
}

async function remindInTx(ctx: AppContext, tx: Tx, merchantId: string, job: ReminderJob): Promise<ReminderOutcome> {
  const order = await getOrder(tx, merchantId, job.orderId, { forUpdate: true });
  const payment = order ? await getPayment(tx, merchantId, job.paymentId) : undefined;
  const now = ctx.clock.now();
  if (!order || !payment || payment.order_id !== order.id || !billStillOpen(order, payment, now)) return 'not_due';
  if (await findReminder(tx, merchantId, payment.id, job.step)) return 'already_done';
  const policies = await getMerchantPolicies(tx, merchantId);
  const business = await getBusinessSettings(tx, merchantId);
  const row = (status: 'queued' | 'skipped', reason: string | null) =>
    insertReminder(tx, {
      id: newId('rmd'),
      merchant_id: merchantId,
      order_id: order.id,
      payment_id: payment.id,
      step: job.step,
      status,
      reason,
      amount: payment.amount,
      currency: payment.currency,
      due_at: now,
      created_at: now,
    });

  const at = outsideQuietHours(now, policies.quiet_hours, business.time_zone);
  if (at.getTime() > now.getTime()) {
    if (at.getTime() >= Math.min(payment.expires_at.getTime(), order.expires_at.getTime())) {
      await row('skipped', 'quiet_hours_until_expiry');
      return 'skipped';
    }
    await enqueueJob(tx, {
      kind: REMIND_JOB,
      merchantId,
      payload: { order_id: order.id, payment_id: payment.id, step: job.step },
      runAt: at,
      dedupeKey: remindDedupeKey(payment.id, job.step, at),
      maxAttempts: 5,
    });
    return 'moved';
  }

  const customer = order.customer_id ? await getCustomer(tx, merchantId, order.customer_id) : undefined;
  if (!customer) return 'not_due';
  if (customer.opted_out_at) {
    await row('skipped', 'opted_out');
    return 'skipped';
  }
  const voice = { businessName: business.name, locale: business.locale, timeZone: business.time_zone };
  const text = reminderText(order, payment, `${ctx.publicUrl}/pay/${payment.pay_token}`, voice);
  const template = policies.reminder_template ? reminderTemplate(order, payment, policies.reminder_template, voice) : null;
  const fallback = template?.ok ? template.value : null;
  if (!text.ok) {
    await row('skipped', `refused: ${text.error.message}`.slice(0, 500));
    return 'skipped';
  }
  if (!windowOpen(customer.last_inbound_at, now) && !fallback) {
    await row('skipped', policies.reminder_template ? 'template_refused' : 'window_closed_no_template');
    return 'skipped';
  }
  const inserted = await row('queued', null);
  if (!inserted) return 'already_done';
  const message = await queueMessage(ctx, tx, {
    merchantId,
    customerId: customer.id,
    type: 'text',
    body: text.value,
    fallback,
    orderId: order.id,
    paymentId: payment.id,
    // Not essential: never to a customer who opted out, even one who does so before it is sent.
    essential: false,
    purpose: `reminder:${job.step}`,
  });
  if (message) await setReminderMessage(tx, merchantId, inserted.id, message.id);
  return 'queued';
}
