-- Keywords that answer with a flow (issue 6, docs/flows.md §3): a customer's text equal to
-- a merchant's keyword (normalized: case, character width and runs of spaces folded) gets
-- that flow's message. One flow per keyword per merchant.
create table flow_keywords (
  merchant_id text not null references merchants(id),
  -- Stored normalized, so the primary key is the uniqueness the matching relies on.
  keyword text not null,
  flow_name text not null,
  -- The Flow's numeric id in WhatsApp Manager; null sends the flow by its name.
  flow_id text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (merchant_id, keyword)
);
