-- Outgoing webhooks: merchant endpoints, one delivery per event × endpoint, and every
-- attempt (Svix's model: stored attempts with a next-attempt time; the schedule is data
-- in src/app/webhooks.policy.ts).

create table webhook_endpoints (
  id text primary key,
  merchant_id text not null references merchants(id),
  url text not null,
  description text,
  -- null: every business event; else a JSON array of types and `namespace.*` patterns
  events jsonb,
  enabled boolean not null default true,
  disabled_reason text,
  disabled_at timestamptz,
  -- sealed JSON array of {secret, expires_at}: the newest first; a rotated-out secret
  -- keeps signing until its expires_at so receivers can switch without downtime
  secrets text not null,
  -- the first failed attempt since the last 2xx (null while healthy), and how many
  -- deliveries ran out of attempts since then: the inputs of the auto-disable rule
  failing_since timestamptz,
  exhausted_count integer not null default 0,
  last_success_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoints_merchant on webhook_endpoints (merchant_id, id);
-- recordEvent asks "does this merchant have an enabled endpoint?" on every event.
create index webhook_endpoints_enabled on webhook_endpoints (merchant_id) where enabled;

create table webhook_deliveries (
  id text primary key,
  merchant_id text not null references merchants(id),
  endpoint_id text not null references webhook_endpoints(id) on delete cascade,
  event_id text not null references events(id),
  event_type text not null,
  -- the signed body, built once so every retry and replay sends the same bytes
  payload text,
  status text not null check (status in ('pending', 'delivered', 'failed', 'skipped')),
  -- a replay starts a new round (attempts back to 0); jobs carry round.attempt so a
  -- job of an earlier round or attempt is a no-op
  round integer not null default 0,
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (endpoint_id, event_id)
);
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);
create index webhook_deliveries_endpoint_status on webhook_deliveries (endpoint_id, status, id);

create table webhook_attempts (
  id text primary key,
  merchant_id text not null references merchants(id),
  endpoint_id text not null references webhook_endpoints(id) on delete cascade,
  delivery_id text not null references webhook_deliveries(id) on delete cascade,
  event_id text not null,
  event_type text not null,
  round integer not null,
  attempt integer not null,
  url text not null,
  status_code integer,
  latency_ms integer not null,
  -- at most 1 KB of the receiver's answer, for "why did my endpoint refuse it"
  response_excerpt text,
  error text,
  created_at timestamptz not null
);
create index webhook_attempts_endpoint on webhook_attempts (endpoint_id, id);
create index webhook_attempts_delivery on webhook_attempts (delivery_id, id);

-- Replays select a time range of the log.
create index events_merchant_created on events (merchant_id, created_at);
