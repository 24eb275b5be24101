-- The doubles' tables, as the product's migrations 0003 to 0031 made them until the
-- sandbox became its own package. They hold Meta's and the PSP's side of the story and
-- never reference the product's tables. Every statement is idempotent, so a database
-- that the product's migrations already gave these tables (all or some of them) ends in
-- the same shape as a new one.

-- ---- from the product's 0003_sandbox_psp.sql ----
-- The sandbox payment provider double (src/sandbox/psp). It plays an external PSP, so
-- its tables hold the PSP's side of the story and never reference ours: one account
-- per merchant, and every other row keyed by that account. Sandbox credentials are
-- not real secrets (they only open this local double), so they are kept in clear.

create table if not exists sandbox_psp_accounts (
  id text primary key,
  merchant_id text not null unique,
  key_id text not null unique,
  key_secret text not null,
  webhook_secret text not null,
  webhook_url text,
  chaos jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table if not exists sandbox_psp_checkouts (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  reference_id text not null,
  idempotency_key text not null,
  request_hash text not null,
  amount bigint not null check (amount > 0 and amount <= 9007199254740991),
  currency text not null,
  description text,
  return_url text,
  upi boolean not null default false,
  customer jsonb,
  status text not null check (status in ('open', 'paid', 'expired', 'canceled')),
  expires_at timestamptz not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (account_id, reference_id),
  unique (account_id, idempotency_key)
);

create table if not exists sandbox_psp_payments (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  checkout_id text not null references sandbox_psp_checkouts(id),
  amount bigint not null check (amount > 0 and amount <= 9007199254740991),
  currency text not null,
  status text not null check (status in ('pending', 'captured', 'failed', 'refunded')),
  amount_refunded bigint not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index if not exists sandbox_psp_payments_checkout on sandbox_psp_payments (checkout_id, id);

create table if not exists sandbox_psp_refunds (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  payment_id text not null references sandbox_psp_payments(id),
  idempotency_key text not null,
  request_hash text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  reason text,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  created_at timestamptz not null,
  settled_at timestamptz,
  unique (account_id, idempotency_key)
);
create index if not exists sandbox_psp_refunds_payment on sandbox_psp_refunds (payment_id);

create table if not exists sandbox_psp_disputes (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  payment_id text not null references sandbox_psp_payments(id),
  amount bigint not null check (amount > 0),
  currency text not null,
  reason text,
  status text not null check (status in ('open', 'won', 'lost')),
  created_at timestamptz not null,
  closed_at timestamptz
);

create table if not exists sandbox_psp_events (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null
);
create index if not exists sandbox_psp_events_account on sandbox_psp_events (account_id, id);

-- Every delivery attempt (and every event chaos dropped), for a merchant debugging
-- "why did my webhook not arrive".
create table if not exists sandbox_psp_deliveries (
  id text primary key,
  event_id text not null references sandbox_psp_events(id),
  url text,
  status_code integer,
  error text,
  attempted_at timestamptz not null
);
create index if not exists sandbox_psp_deliveries_event on sandbox_psp_deliveries (event_id, attempted_at);

-- ---- from the product's 0005_sandbox_whatsapp.sql ----
-- The local WhatsApp Cloud API double (src/sandbox/whatsapp). It plays Meta, so its
-- tables hold Meta's side of the story and never reference ours: keyed by the sandbox
-- number's phone_number_id (whatsapp_numbers rows with sandbox = true).

-- Per-number knobs: a webhook target override (tests) and chaos. The row is also the
-- lock that serialises sends of one number (throughput and pair limits).
create table if not exists sandbox_wa_settings (
  phone_number_id text primary key,
  webhook_url text,
  chaos jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now()
);

-- One simulated customer per (number, wa_id): profile name, the 24-hour window and
-- the pair-rate token bucket.
create table if not exists sandbox_wa_customers (
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
create table if not exists sandbox_wa_messages (
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
create index if not exists sandbox_wa_messages_conversation on sandbox_wa_messages (phone_number_id, wa_id, seq);
create index if not exists sandbox_wa_messages_recent on sandbox_wa_messages (phone_number_id, direction, created_at);

-- order_details bills by reference_id (unique per number), with the order status the
-- bubble shows (order_status transitions are enforced against it).
create table if not exists sandbox_wa_orders (
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
create table if not exists sandbox_wa_transactions (
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
create index if not exists sandbox_wa_transactions_order on sandbox_wa_transactions (phone_number_id, reference_id, seq);

create table if not exists sandbox_wa_refunds (
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
create index if not exists sandbox_wa_refunds_transaction on sandbox_wa_refunds (transaction_id, seq);

-- Webhook changes (one `value` each) waiting for or past delivery. batch_key groups
-- the changes chaos decided to send together in one POST.
create table if not exists sandbox_wa_events (
  id text primary key,
  phone_number_id text not null,
  value jsonb not null,
  inbound_wamid text,
  batch_key text,
  created_at timestamptz not null
);
create index if not exists sandbox_wa_events_batch on sandbox_wa_events (batch_key) where batch_key is not null;

create table if not exists sandbox_wa_deliveries (
  id text primary key,
  phone_number_id text not null,
  event_ids jsonb not null,
  url text,
  status_code integer,
  error text,
  attempted_at timestamptz not null
);
create index if not exists sandbox_wa_deliveries_number on sandbox_wa_deliveries (phone_number_id, attempted_at);

-- ---- from the product's 0007_flows.sql ----
-- The Cloud API double's side (src/sandbox/whatsapp/wa.encryption.ts): the business
-- public key registered on a sandbox number with POST /{phone_number_id}/whatsapp_business_encryption.
create table if not exists sandbox_wa_business_keys (
  phone_number_id text primary key,
  business_public_key text not null,
  updated_at timestamptz not null
);

-- ---- from the product's 0021_customers.sql ----
-- The sandbox's simulated people: each has a bsuid; a username user shares no phone (its
-- address, the wa_id column of the sandbox tables, is then its bsuid).
alter table sandbox_wa_customers add column if not exists bsuid text;
alter table sandbox_wa_customers add column if not exists username text;
create unique index if not exists sandbox_wa_customers_bsuid on sandbox_wa_customers (phone_number_id, bsuid) where bsuid is not null;

-- ---- from the product's 0025_catalog_sync.sql ----
-- The sandbox's Meta catalog (Commerce Manager's side): what GET /{catalog_id}/products
-- serves and the simulated phone browses, beside the merchant's own products.
create table if not exists sandbox_wa_catalog_items (
  catalog_id text not null,
  retailer_id text not null,
  -- Meta's product item id (a numeric string)
  id text not null,
  name text not null,
  description text,
  -- minor units of currency
  price bigint not null,
  currency text not null,
  availability text not null default 'in stock',
  image_url text,
  created_at timestamptz not null,
  primary key (catalog_id, retailer_id)
);

-- ---- from the product's 0030_inbound_media.sql ----
-- The sandbox's media store: what the simulated phone sends, served by its Graph media endpoint.
create table if not exists sandbox_wa_media (
  id text primary key,
  phone_number_id text not null,
  mime_type text not null,
  sha256 text not null,
  file_size bigint not null,
  data bytea not null,
  created_at timestamptz not null
);

-- ---- from the product's 0031_templates.sql ----
-- The sandbox double: a webhook change may be of another field than 'messages', and a
-- test can set a template's status (which it then reports and emits as Meta does).
alter table sandbox_wa_events add column if not exists field text not null default 'messages';
alter table sandbox_wa_settings add column if not exists template_statuses jsonb not null default '{}'::jsonb;
