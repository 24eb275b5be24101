-- The sandbox payment provider double (src/sandbox/psp). It plays an external PSP, so
-- its tables hold the PSP's side of the story and never reference ours: one account
-- per merchant, and every other row keyed by that account. Sandbox credentials are
-- not real secrets (they only open this local double), so they are kept in clear.

create table sandbox_psp_accounts (
  id text primary key,
  merchant_id text not null unique,
  key_id text not null unique,
  key_secret text not null,
  webhook_secret text not null,
  webhook_url text,
  chaos jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table sandbox_psp_checkouts (
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

create table sandbox_psp_payments (
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
create index sandbox_psp_payments_checkout on sandbox_psp_payments (checkout_id, id);

create table sandbox_psp_refunds (
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
create index sandbox_psp_refunds_payment on sandbox_psp_refunds (payment_id);

create table sandbox_psp_disputes (
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

create table sandbox_psp_events (
  id text primary key,
  account_id text not null references sandbox_psp_accounts(id),
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null
);
create index sandbox_psp_events_account on sandbox_psp_events (account_id, id);

-- Every delivery attempt (and every event chaos dropped), for a merchant debugging
-- "why did my webhook not arrive".
create table sandbox_psp_deliveries (
  id text primary key,
  event_id text not null references sandbox_psp_events(id),
  url text,
  status_code integer,
  error text,
  attempted_at timestamptz not null
);
create index sandbox_psp_deliveries_event on sandbox_psp_deliveries (event_id, attempted_at);
