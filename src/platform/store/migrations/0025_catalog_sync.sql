-- Issue 16 item 3: importing the merchant's Meta catalog into our products by retailer_id.
-- A sync run pages through GET /{catalog_id}/products in a job; each page is one
-- transaction (the products it creates, its report lines, the cursor of the next page),
-- so a redelivered job resumes where the last committed page ended. Our price stays the
-- price of record: a product we already have is never changed, a different price is a
-- 'conflict' line of the report. At most one run per merchant is queued or running.
create table catalog_syncs (
  id text primary key,
  merchant_id text not null references merchants(id),
  direction text not null check (direction in ('import')),
  trigger text not null check (trigger in ('request', 'schedule')),
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
  catalog_id text not null,
  -- Meta's `after` cursor of the next page to read (null: the first page, or done)
  next_cursor text,
  pages integer not null default 0,
  seen integer not null default 0,
  created integer not null default 0,
  unchanged integer not null default 0,
  conflicts integer not null default 0,
  skipped integer not null default 0,
  -- Meta's error when the run failed: {code, title, message}
  error jsonb,
  requested_by text,
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null
);
create unique index catalog_syncs_one_active on catalog_syncs (merchant_id) where status in ('queued', 'running');
create index catalog_syncs_merchant on catalog_syncs (merchant_id, id desc);

-- One line per Meta product a run read (a retailer_id seen twice counts once).
create table catalog_sync_items (
  sync_id text not null references catalog_syncs(id),
  merchant_id text not null references merchants(id),
  retailer_id text not null,
  outcome text not null check (outcome in ('created', 'unchanged', 'conflict', 'skipped')),
  product_id text,
  meta_product_id text,
  -- Meta's price as Meta wrote it, and what it is in minor units of meta_currency
  meta_price text,
  meta_amount bigint,
  meta_currency text,
  -- our price of record (conflict and unchanged lines)
  our_price bigint,
  our_currency text,
  reason text,
  seq integer not null,
  primary key (sync_id, retailer_id)
);
create index catalog_sync_items_outcome on catalog_sync_items (sync_id, outcome, seq);

-- The scheduled import: off until the merchant enables it.
create table catalog_sync_settings (
  merchant_id text primary key references merchants(id),
  scheduled_import boolean not null default false,
  interval_hours integer not null default 24 check (interval_hours between 1 and 168),
  updated_at timestamptz not null
);
