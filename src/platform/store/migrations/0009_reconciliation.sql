-- Reconciliation against providers' settlement reports. A report file is stored once per
-- merchant and content hash; each matching of it is a run (version 1 on upload, then one
-- more version per rerun), with one item per report row and per record of ours the report
-- lacks. Uploading the same file with the same settings again returns the latest run.

create table reconciliation_files (
  merchant_id text not null references merchants(id),
  sha256 text not null,
  size_bytes integer not null,
  content text not null,
  created_at timestamptz not null default now(),
  primary key (merchant_id, sha256)
);

create table reconciliation_runs (
  id text primary key,
  merchant_id text not null references merchants(id),
  file_sha256 text not null,
  -- hash of format, provider, amount unit, mapping and period: the same file read another way is another run
  settings_hash text not null,
  version integer not null check (version >= 1),
  rerun_of text references reconciliation_runs(id),
  format text not null check (format in ('razorpay', 'stripe', 'generic')),
  provider text not null,
  settings jsonb not null,
  file_name text,
  period_start timestamptz,
  period_end timestamptz,
  status text not null check (status in ('clean', 'mismatches')),
  row_count integer not null,
  totals jsonb not null,
  created_at timestamptz not null default now(),
  unique (merchant_id, file_sha256, settings_hash, version),
  foreign key (merchant_id, file_sha256) references reconciliation_files (merchant_id, sha256)
);
create index reconciliation_runs_merchant on reconciliation_runs (merchant_id, id);

-- Written in bulk (up to one per report row), so no foreign keys beyond the run.
create table reconciliation_items (
  run_id text not null references reconciliation_runs(id),
  seq integer not null,
  merchant_id text not null,
  category text not null,
  kind text not null,
  line integer,
  provider_payment_id text,
  provider_refund_id text,
  reference_id text,
  order_id text,
  payment_id text,
  refund_id text,
  currency text not null,
  expected_amount bigint,
  actual_amount bigint,
  expected_fee bigint,
  actual_fee bigint,
  amount bigint not null,
  note text,
  primary key (run_id, seq)
);
-- Exceptions are found through this index; matched rows (most of a report) are not in it,
-- which keeps a 100,000-row import cheap; listing them walks the primary key.
create index reconciliation_items_exceptions on reconciliation_items (run_id, category, seq) where category <> 'matched';
