-- WhatsApp Flows (issue 6, docs/flows.md): each merchant's key pair for the encrypted
-- data endpoint, the flow tokens we issue (the session state lives here, never on the
-- phone), and what a completed flow produces, keyed by its token so it exists once.

-- The RSA-2048 pair Meta encrypts each request's AES key with. The public key (SPKI PEM)
-- is what the merchant registers on the number; the private key is sealed (SecretBox).
create table flow_keys (
  merchant_id text primary key references merchants(id),
  public_key_pem text not null,
  private_key text not null,
  created_at timestamptz not null default now()
);

-- One row per flow message sent. The token is an unguessable bearer value; every
-- endpoint request is checked against its merchant, expiry and status, and `state` is
-- the server's truth (current screen, cart, address…) that client data is checked against.
create table flow_tokens (
  token text primary key,
  merchant_id text not null references merchants(id),
  wa_id text not null,
  flow_name text not null,
  state jsonb not null default '{}'::jsonb,
  status text not null check (status in ('active', 'completed', 'expired')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index flow_tokens_merchant_customer on flow_tokens (merchant_id, wa_id, created_at);

-- Menus group products by category; null means the flow's default group. Optional, so
-- the products API and existing rows are unchanged.
alter table products add column if not exists category text;

-- An order made by a flow carries its token: the unique index makes "created exactly
-- once per token" a database fact, whichever path (final data_exchange or nfm_reply) gets there.
alter table orders add column if not exists flow_token text;
create unique index orders_flow_token on orders (flow_token) where flow_token is not null;

-- Booking (issue 6 part 4), the data model only: bookable services with weekly hours in
-- the merchant's time zone (merchants.settings.time_zone), and bookings. A slot is
-- `held` until the deposit bill expires; the partial unique index lets exactly one live
-- (held or confirmed) booking take a service's slot, however many customers race for it.
create table booking_services (
  id text primary key,
  merchant_id text not null references merchants(id),
  name text not null,
  duration_minutes integer not null check (duration_minutes between 5 and 1440),
  -- slots start every slot_minutes within the opening hours
  slot_minutes integer not null check (slot_minutes between 5 and 1440),
  deposit bigint not null check (deposit > 0 and deposit <= 9007199254740991),
  currency text not null,
  -- {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], …} in the merchant's time zone
  weekly_hours jsonb not null default '{}'::jsonb,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index booking_services_merchant on booking_services (merchant_id, id);

create table bookings (
  id text primary key,
  merchant_id text not null references merchants(id),
  service_id text not null references booking_services(id),
  customer_wa_id text not null,
  customer_name text,
  starts_at timestamptz not null,
  ends_at timestamptz not null check (ends_at > starts_at),
  -- the IANA zone the slot was offered in, so the booking reads the same after a settings change
  time_zone text not null,
  status text not null check (status in ('held', 'confirmed', 'cancelled', 'expired')),
  -- a held slot is released at this time (the deposit bill's expiry) unless paid
  hold_expires_at timestamptz,
  order_id text references orders(id),
  flow_token text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index bookings_live_slot on bookings (merchant_id, service_id, starts_at) where status in ('held', 'confirmed');
create index bookings_merchant on bookings (merchant_id, id);
create index bookings_hold_expiry on bookings (hold_expires_at) where status = 'held';
