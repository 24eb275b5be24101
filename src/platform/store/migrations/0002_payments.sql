-- Payments: provider accounts (credentials sealed at rest), the inbox of provider
-- webhooks, the provider payments behind each attempt (the fact deduplicated by
-- provider payment id), and disputes.

create table provider_accounts (
  merchant_id text not null references merchants(id),
  provider text not null,
  -- sealed JSON (SecretBox): never returned by the API
  credentials text not null,
  -- sealed JSON array of {secret, retire_at?}: several are accepted during a rotation
  webhook_secrets text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (merchant_id, provider)
);

alter table payments add column checkout_url text;
alter table payments add column upi_intent text;
create index payments_provider_object on payments (merchant_id, provider, provider_object_id);

-- One row per provider webhook delivery we accepted (signature verified), stored
-- before we answer 2xx and processed by a job. The unique key makes redelivery a no-op.
create table provider_events (
  id text primary key,
  merchant_id text not null references merchants(id),
  provider text not null,
  event_id text not null,
  event_type text not null,
  body text not null,
  normalized jsonb not null,
  status text not null default 'received' check (status in ('received', 'processed', 'unmatched', 'ignored')),
  note text,
  received_at timestamptz not null,
  processed_at timestamptz,
  unique (merchant_id, provider, event_id)
);
create index provider_events_merchant on provider_events (merchant_id, id);

-- A payment at the provider. Different events about the same payment (Razorpay
-- payment.captured + payment_link.paid; Stripe session + intent) meet on the unique key.
create table provider_payments (
  id text primary key,
  merchant_id text not null references merchants(id),
  provider text not null,
  provider_payment_id text not null,
  payment_id text references payments(id),
  order_id text references orders(id),
  status text not null check (status in ('authorized', 'pending', 'captured', 'failed', 'refunded')),
  amount bigint not null,
  currency text not null,
  reference_id text,
  -- what the capture did to the order: counted (it pays the order), extra (a second
  -- capture), review (late or mismatched: manual_review)
  disposition text check (disposition in ('counted', 'extra', 'review')),
  review_reason text,
  verified_by text check (verified_by in ('webhook', 'lookup')),
  captured_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (merchant_id, provider, provider_payment_id)
);
create index provider_payments_order on provider_payments (order_id);

alter table refunds add column provider text;
alter table refunds add column provider_payment_id text;
-- merchant: asked for through the API; extra_capture: a second capture given back;
-- review: a late or mismatched payment given back
alter table refunds add column kind text not null default 'merchant' check (kind in ('merchant', 'extra_capture', 'review'));
alter table refunds add column failure_reason text;
create unique index refunds_provider_refund on refunds (merchant_id, provider, provider_refund_id) where provider_refund_id is not null;

create table disputes (
  id text primary key,
  merchant_id text not null references merchants(id),
  order_id text references orders(id),
  payment_id text references payments(id),
  provider text not null,
  provider_dispute_id text not null,
  provider_payment_id text,
  amount bigint,
  currency text,
  status text not null check (status in ('open', 'won', 'lost')),
  reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (merchant_id, provider, provider_dispute_id)
);
create index disputes_order on disputes (order_id);
