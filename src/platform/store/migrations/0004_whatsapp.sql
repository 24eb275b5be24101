-- WhatsApp: each merchant's number (a phone_number_id belongs to one merchant),
-- the raw webhook inbox, the conversation (both directions, with delivery status),
-- the 24-hour window and opt-outs, and the shared send budget per number.

create table whatsapp_numbers (
  phone_number_id text primary key,
  merchant_id text not null unique references merchants(id),
  display_phone_number text,
  waba_id text,
  catalog_id text,
  -- sealed (SecretBox); write-only through the API
  access_token text,
  -- 'invalid' after Meta answered 190: that number's queue pauses until the token is updated
  token_status text not null default 'ok' check (token_status in ('ok', 'invalid')),
  sandbox boolean not null default false,
  -- the Bearer token the sandbox Graph API accepts for a sandbox number (not a real secret)
  sandbox_access_token text,
  payment_configurations jsonb not null default '[]'::jsonb,
  templates jsonb not null default '{}'::jsonb,
  opt_out_words jsonb not null default '["STOP", "UNSUBSCRIBE"]'::jsonb,
  keywords jsonb not null default '{}'::jsonb,
  throughput_per_second integer not null default 80 check (throughput_per_second between 1 and 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Every signed webhook body, stored before we answer 200, whatever its shape.
create table whatsapp_inbox (
  id text primary key,
  body text not null,
  received_at timestamptz not null,
  status text not null default 'received' check (status in ('received', 'processed', 'failed')),
  note text,
  processed_at timestamptz
);

-- One row per item of a webhook (message, status, payment status, other change),
-- deduplicated by its natural key so a redelivery is a no-op.
create table whatsapp_items (
  dedupe_key text primary key,
  inbox_id text not null references whatsapp_inbox(id),
  phone_number_id text,
  merchant_id text references merchants(id),
  kind text not null,
  item jsonb not null,
  status text not null default 'received' check (status in ('received', 'processed', 'unroutable', 'ignored', 'failed')),
  note text,
  created_at timestamptz not null,
  processed_at timestamptz
);
create index whatsapp_items_inbox on whatsapp_items (inbox_id);

create table whatsapp_messages (
  id text primary key,
  merchant_id text not null references merchants(id),
  phone_number_id text not null,
  wa_id text not null,
  direction text not null check (direction in ('in', 'out')),
  wamid text,
  type text not null,
  payload jsonb not null,
  status text not null check (status in ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'received', 'skipped')),
  error jsonb,
  order_id text references orders(id),
  payment_id text references payments(id),
  essential boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz
);
create unique index whatsapp_messages_wamid on whatsapp_messages (phone_number_id, wamid) where wamid is not null;
create index whatsapp_messages_conversation on whatsapp_messages (merchant_id, wa_id, id);

create table whatsapp_contacts (
  merchant_id text not null references merchants(id),
  wa_id text not null,
  name text,
  last_inbound_at timestamptz,
  opted_out_at timestamptz,
  -- per-recipient pacing (Meta's pair rate limit): a small token bucket per customer
  pair_tokens double precision,
  pair_refilled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (merchant_id, wa_id)
);

-- Shared rate buckets (a number's send budget, a provider account's lookups): token
-- buckets leased in batches, one short UPDATE per batch, the same for every process.
create table rate_buckets (
  key text primary key,
  tokens double precision not null,
  refilled_at timestamptz not null
);
