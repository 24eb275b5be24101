-- Issue 16 item 5: reminders of unpaid bills. One row per (bill, step) that was acted on:
-- the unique key is what makes a step go at most once, whatever the job queue redelivers
-- (the reminder job inserts the row and queues the message in one transaction). The
-- message row (messages.status) says whether WhatsApp took it; the report joins it.
create table payment_reminders (
  id text primary key,
  merchant_id text not null references merchants(id),
  order_id text not null references orders(id),
  payment_id text not null references payments(id),
  step integer not null check (step between 1 and 3),
  -- queued: the message was queued (messages.status tells the rest); skipped: the step ended without one
  status text not null check (status in ('queued', 'skipped')),
  reason text,
  message_id text,
  -- the bill's amount when reminded, for "what reminders recovered"
  amount bigint not null,
  currency text not null,
  due_at timestamptz not null,
  created_at timestamptz not null,
  unique (merchant_id, payment_id, step)
);
create index payment_reminders_merchant_created on payment_reminders (merchant_id, created_at);
create index payment_reminders_order on payment_reminders (merchant_id, order_id);
