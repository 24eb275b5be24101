// The only SQL of the reminders module: one row per (bill, step) acted on, and the
// report of what they recovered (read with the messages that carried them and the
// payments captured after them).
import type { Queryable } from '../../platform/store/db.ts';

export interface ReminderRow {
  id: string;
  merchant_id: string;
  order_id: string;
  payment_id: string;
  step: number;
  status: 'queued' | 'skipped';
  reason: string | null;
  message_id: string | null;
  amount: number;
  currency: string;
  due_at: Date;
  created_at: Date;
}

/** Inserts the step's row; undefined when the step already has one (the unique key: a step acts once). */
export async function insertReminder(q: Queryable, r: Omit<ReminderRow, 'message_id'>): Promise<ReminderRow | undefined> {
  const rows = await q.query<ReminderRow>(
    `insert into payment_reminders (id, merchant_id, order_id, payment_id, step, status, reason, amount, currency, due_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (merchant_id, payment_id, step) do nothing returning *`,
    [r.id, r.merchant_id, r.order_id, r.payment_id, r.step, r.status, r.reason, r.amount, r.currency, r.due_at, r.created_at],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function setReminderMessage(q: Queryable, merchantId: string, id: string, messageId: string): Promise<void> {
  await q.query(`update payment_reminders set message_id = $3 where merchant_id = $1 and id = $2`, [merchantId, id, messageId]);
}

export async function findReminder(q: Queryable, merchantId: string, paymentId: string, step: number): Promise<ReminderRow | undefined> {
  const rows = await q.query<ReminderRow>(`select * from payment_reminders where merchant_id = $1 and payment_id = $2 and step = $3`, [
    merchantId,
    paymentId,
    step,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export interface ReminderTotals {
  /** Reminders queued in the range, and how many WhatsApp took (sent, delivered, read) or refused. */
  queued: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** Counts of the reminders acted on in [from, to). */
export async function reminderTotals(q: Queryable, merchantId: string, from: Date, to: Date): Promise<ReminderTotals> {
  const [row] = await q.query<{ queued: string; sent: string; failed: string; skipped: string }>(
    `select count(*) filter (where r.status = 'queued') as queued,
            count(*) filter (where r.status = 'queued' and m.status in ('sent', 'delivered', 'read')) as sent,
            count(*) filter (where r.status = 'queued' and m.status = 'failed') as failed,
            count(*) filter (where r.status = 'skipped' or m.status = 'skipped') as skipped
       from payment_reminders r left join whatsapp_messages m on m.id = r.message_id
      where r.merchant_id = $1 and r.created_at >= $2 and r.created_at < $3`,
    [merchantId, from, to],
  );
  return { queued: Number(row?.queued ?? 0), sent: Number(row?.sent ?? 0), failed: Number(row?.failed ?? 0), skipped: Number(row?.skipped ?? 0) };
}

/**
 * Orders reminded in [from, to) (a reminder WhatsApp took) that were paid after their first
 * such reminder: how many, and the money captured after it (the capture that paid the order), per currency.
 */
export async function paidAfterReminders(
  q: Queryable,
  merchantId: string,
  from: Date,
  to: Date,
): Promise<{ orders: number; recovered: { currency: string; amount: number; orders: number }[] }> {
  const rows = await q.query<{ currency: string; amount: string; orders: string }>(
    `with reminded as (
       select r.order_id, min(coalesce(m.sent_at, r.created_at)) as first_at
         from payment_reminders r join whatsapp_messages m on m.id = r.message_id
        where r.merchant_id = $1 and r.status = 'queued' and m.status in ('sent', 'delivered', 'read')
          and r.created_at >= $2 and r.created_at < $3
        group by r.order_id)
     select p.currency, sum(p.amount) as amount, count(distinct p.order_id) as orders
       from reminded x join payments p on p.merchant_id = $1 and p.order_id = x.order_id
      where p.counted and p.captured_at is not null and p.captured_at >= x.first_at
      group by p.currency order by p.currency`,
    [merchantId, from, to],
  );
  const recovered = rows.map((r) => ({ currency: r.currency, amount: Number(r.amount), orders: Number(r.orders) }));
  return { orders: recovered.reduce((n, r) => n + r.orders, 0), recovered };
}

function fromRow(r: ReminderRow): ReminderRow {
  return { ...r, amount: Number(r.amount), step: Number(r.step) };
}
