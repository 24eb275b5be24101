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

-- Auto-replies (docs/customers.md, "Auto-replies"): one row of settings per merchant.
create table auto_reply_settings (
  merchant_id text primary key references merchants(id),
  greeting_enabled boolean not null default false,
  greeting_text text,
  away_enabled boolean not null default false,
  away_text text,
  -- {"mon": [["09:00", "18:00"]], …}: the business's opening hours in its time zone
  away_hours jsonb not null default '{}'::jsonb,
  fallback_enabled boolean not null default false,
  fallback_text text,
  resume_after_minutes integer not null default 60 check (resume_after_minutes between 1 and 10080),
  updated_at timestamptz not null
);

-- The keyword list is one list: a keyword answers with a flow (flow_name) or with another
-- reply (reply: {type: text|catalog|product_list, …}); /v1/flows/keywords shows the flow ones.
alter table flow_keywords alter column flow_name drop not null;
alter table flow_keywords add column reply jsonb;
alter table flow_keywords add constraint flow_keywords_one_reply check ((flow_name is null) <> (reply is null));

-- Every automatic reply sent: at most one per inbound message (the unique key holds under
-- Meta's redelivery), and the per-customer caps are counted here.
create table auto_replies (
  id text primary key,
  merchant_id text not null references merchants(id),
  customer_id text not null references customers(id),
  conversation_id text references conversations(id),
  inbound_wamid text not null,
  kind text not null check (kind in ('keyword', 'greeting', 'away', 'fallback')),
  message_id text,
  created_at timestamptz not null
);
create unique index auto_replies_inbound on auto_replies (merchant_id, inbound_wamid);
create index auto_replies_customer on auto_replies (merchant_id, customer_id, created_at);

-- Erasure (POST /v1/customers/{id}/erase): the row stays (orders and the ledger point at it)
-- under a pseudonym, without its identifiers; when it happened.
alter table customers add column erased_at timestamptz;

-- Media the merchant sends (POST /v1/uploads): kept in the database so that every node serves
-- it; WhatsApp fetches it by an unguessable link (GET /media/{token}).
create table media_uploads (
  id text primary key,
  merchant_id text not null references merchants(id),
  kind text not null check (kind in ('image', 'document')),
  mime_type text not null,
  size integer not null check (size > 0),
  sha256 text not null,
  -- a document's name as WhatsApp shows it (sanitized); never part of a path
  filename text,
  token text not null unique,
  data bytea not null,
  created_by text,
  created_at timestamptz not null
);
create index media_uploads_merchant on media_uploads (merchant_id, id);
