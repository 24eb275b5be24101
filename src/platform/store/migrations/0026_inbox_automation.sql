-- The inbox's automation and saved answers (issue 15 items 4-5), and erasure (item 1).

-- Quick replies: a merchant's saved answers, found by a shortcut in the composer.
create table quick_replies (
  id text primary key,
  merchant_id text not null references merchants(id),
  -- normalized: lower case letters, digits, - and _ (unique per merchant)
  shortcut text not null,
  body text not null check (length(body) between 1 and 4096),
  created_by text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index quick_replies_shortcut on quick_replies (merchant_id, shortcut);
