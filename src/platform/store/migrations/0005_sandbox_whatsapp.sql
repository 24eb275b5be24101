-- The local WhatsApp Cloud API double (src/sandbox/whatsapp). It plays Meta, so its
-- tables hold Meta's side of the story and never reference ours: keyed by the sandbox
-- number's phone_number_id (whatsapp_numbers rows with sandbox = true).

-- Per-number knobs: a webhook target override (tests) and chaos. The row is also the
-- lock that serialises sends of one number (throughput and pair limits).
create table sandbox_wa_settings (
  phone_number_id text primary key,
  webhook_url text,
  chaos jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);

-- One simulated customer per (number, wa_id): profile name, the 24-hour window and
-- the pair-rate token bucket.
create table sandbox_wa_customers (
  phone_number_id text not null,
  wa_id text not null,
  name text,
  last_inbound_at timestamptz,
  pair_tokens double precision,
  pair_refilled_at timestamptz,
  created_at timestamptz not null,
  primary key (phone_number_id, wa_id)
);

-- Every message both ways, as the customer's phone shows it. direction is the
-- business's view: 'outbound' = sent through the Graph API, 'inbound' = sent by the customer.
create table sandbox_wa_messages (
  wamid text primary key,
  seq bigint generated always as identity,
  phone_number_id text not null,
  wa_id text not null,
  direction text not null check (direction in ('outbound', 'inbound')),
  type text not null,
  body jsonb not null,
  status text not null check (status in ('accepted', 'sent', 'delivered', 'read', 'failed')),
  error jsonb,
  reference_id text,
  pricing jsonb,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index sandbox_wa_messages_conversation on sandbox_wa_messages (phone_number_id, wa_id, seq);
create index sandbox_wa_messages_recent on sandbox_wa_messages (phone_number_id, direction, created_at);

-- order_details bills by reference_id (unique per number), with the order status the
-- bubble shows (order_status transitions are enforced against it).
create table sandbox_wa_orders (
  phone_number_id text not null,
  reference_id text not null,
  wamid text not null,
  wa_id text not null,
  payment_mode text not null check (payment_mode in ('payment_gateway', 'upi', 'other')),
  gateway text,
  configuration_name text,
  gateway_extras jsonb not null default '{}'::jsonb,
  currency text not null,
  total_value bigint not null,
  total_offset integer not null,
  status text not null,
  expires_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (phone_number_id, reference_id)
);

-- WhatsApp Pay (payment gateway mode): the customer's attempts to pay a bill.
create table sandbox_wa_transactions (
  id text primary key,
  seq bigint generated always as identity,
  phone_number_id text not null,
  reference_id text not null,
  pg_transaction_id text not null,
  gateway text not null,
  method text not null,
  status text not null check (status in ('pending', 'success', 'failed')),
  amount_value bigint not null,
  amount_offset integer not null,
  currency text not null,
  error jsonb,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  foreign key (phone_number_id, reference_id) references sandbox_wa_orders (phone_number_id, reference_id)
);
create index sandbox_wa_transactions_order on sandbox_wa_transactions (phone_number_id, reference_id, seq);

create table sandbox_wa_refunds (
  id text primary key,
  seq bigint generated always as identity,
  transaction_id text not null references sandbox_wa_transactions(id),
  amount_value bigint not null check (amount_value > 0),
  amount_offset integer not null,
  currency text not null,
  speed_requested text not null,
  speed_processed text not null,
  status text not null check (status in ('pending', 'success', 'failed')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index sandbox_wa_refunds_transaction on sandbox_wa_refunds (transaction_id, seq);

-- Webhook changes (one `value` each) waiting for or past delivery. batch_key groups
-- the changes chaos decided to send together in one POST.
create table sandbox_wa_events (
  id text primary key,
  phone_number_id text not null,
  value jsonb not null,
  inbound_wamid text,
  batch_key text,
  created_at timestamptz not null
);
create index sandbox_wa_events_batch on sandbox_wa_events (batch_key) where batch_key is not null;

create table sandbox_wa_deliveries (
  id text primary key,
  phone_number_id text not null,
  event_ids jsonb not null,
  url text,
  status_code integer,
  error text,
  attempted_at timestamptz not null
);
create index sandbox_wa_deliveries_number on sandbox_wa_deliveries (phone_number_id, attempted_at);
