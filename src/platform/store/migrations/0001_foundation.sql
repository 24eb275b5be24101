-- Foundation schema. Every merchant-owned table carries merchant_id and is read
-- with it, so a merchant can only ever see its own rows (and tables can be
-- partitioned by merchant later). Amounts are int8 minor units (<= 2^53 - 1).

create table system_settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

create table merchants (
  id text primary key,
  name text not null check (length(name) between 1 and 200),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_keys (
  id text primary key,
  merchant_id text not null references merchants(id),
  name text,
  prefix text not null,
  -- sha256 of the key: keys are 32+ random bytes, so a fast hash is enough and
  -- lets us look a key up by its hash.
  key_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index api_keys_merchant on api_keys (merchant_id, id);

create table products (
  id text primary key,
  merchant_id text not null references merchants(id),
  retailer_id text not null,
  name text not null,
  description text,
  price bigint not null check (price > 0 and price <= 9007199254740991),
  currency text not null,
  image_url text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (merchant_id, retailer_id)
);
create index products_merchant on products (merchant_id, id);

create table orders (
  id text primary key,
  merchant_id text not null references merchants(id),
  status text not null,
  payment_status text not null,
  currency text not null,
  items jsonb not null,
  subtotal bigint not null,
  tax bigint not null default 0,
  tax_description text,
  shipping bigint not null default 0,
  shipping_description text,
  discount bigint not null default 0,
  discount_description text,
  total bigint not null check (total > 0 and total <= 9007199254740991),
  amount_paid bigint not null default 0,
  amount_refunded bigint not null default 0,
  customer_wa_id text not null,
  customer_name text,
  goods_type text not null,
  shipping_address jsonb,
  current_payment_id text,
  review jsonb,
  cancel_reason text,
  expires_at timestamptz not null,
  metadata jsonb not null default '{}'::jsonb,
  event_seq integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_merchant on orders (merchant_id, id);
create index orders_merchant_customer on orders (merchant_id, customer_wa_id, id);
create index orders_merchant_status on orders (merchant_id, status, id);
create index orders_merchant_payment_status on orders (merchant_id, payment_status, id);

create table payments (
  id text primary key,
  merchant_id text not null references merchants(id),
  order_id text not null references orders(id),
  reference_id text not null,
  method text not null,
  provider text not null,
  status text not null,
  amount bigint not null,
  currency text not null,
  -- the unguessable token of our hosted checkout page /pay/{token}
  pay_token text unique,
  provider_object_id text,
  provider_payment_id text,
  counted boolean not null default false,
  flags jsonb not null default '{}'::jsonb,
  expires_at timestamptz not null,
  captured_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (merchant_id, reference_id)
);
create index payments_order on payments (order_id, id);

create table refunds (
  id text primary key,
  merchant_id text not null references merchants(id),
  order_id text not null references orders(id),
  payment_id text not null references payments(id),
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null,
  reason text,
  provider_refund_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index refunds_order on refunds (order_id, id);

-- The append-only event log: written in the same transaction as every change.
create table events (
  id text primary key,
  merchant_id text not null references merchants(id),
  order_id text references orders(id),
  seq integer,
  type text not null,
  source text not null check (source in ('api', 'whatsapp', 'provider', 'job', 'cli')),
  actor text,
  data jsonb not null default '{}'::jsonb,
  previous jsonb,
  created_at timestamptz not null default now(),
  unique (order_id, seq)
);
create index events_merchant on events (merchant_id, id);
create index events_merchant_type on events (merchant_id, type, id);

create table idempotency_keys (
  merchant_id text not null references merchants(id),
  key text not null,
  fingerprint text not null,
  state text not null check (state in ('running', 'done')),
  locked_until timestamptz,
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (merchant_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);

-- The job queue and transactional outbox. Claimed with FOR UPDATE SKIP LOCKED and
-- then held by a lease (locked_until + lease_token), never by a row lock.
create table jobs (
  id text primary key,
  merchant_id text,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead')),
  run_at timestamptz not null,
  attempts integer not null default 0,
  max_attempts integer not null default 10,
  locked_until timestamptz,
  lease_token text,
  locked_by text,
  last_error text,
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  done_at timestamptz
);
create index jobs_claimable on jobs (run_at) where status in ('queued', 'running');
