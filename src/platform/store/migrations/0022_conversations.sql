-- Conversations (issue 15 item 2): one thread per customer (open or closed; a message from
-- the customer reopens it), with its assignee, unread count, last message and automation
-- state; internal notes beside it. Messages point at their conversation.
create table conversations (
  id text primary key,
  merchant_id text not null references merchants(id),
  customer_id text not null references customers(id),
  status text not null default 'open' check (status in ('open', 'closed')),
  -- a console user (usr_…) of this merchant, or nobody
  assigned_to text,
  unread_count integer not null default 0 check (unread_count >= 0),
  -- {id, direction, type, preview, created_at} of the latest message, for the list
  last_message jsonb,
  last_activity_at timestamptz not null,
  -- automatic replies pause once a person replies; they resume on close (or after a while)
  automation text not null default 'on' check (automation in ('on', 'paused')),
  last_staff_reply_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index conversations_customer on conversations (merchant_id, customer_id);
create index conversations_activity on conversations (merchant_id, last_activity_at desc, id desc);

create table conversation_notes (
  id text primary key,
  merchant_id text not null references merchants(id),
  conversation_id text not null references conversations(id),
  -- who wrote it: usr_… or key_…
  author text not null,
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null
);
create index conversation_notes_conversation on conversation_notes (conversation_id, created_at);

alter table whatsapp_messages add column conversation_id text references conversations(id);

-- Backfill: a conversation for every customer with messages (its id is the customer's with
-- the cnv_ prefix, so a second run names the same rows), closed and read: history, not work.
insert into conversations (id, merchant_id, customer_id, status, unread_count, last_activity_at, closed_at, created_at, updated_at)
select 'cnv_' || substr(m.customer_id, 5), m.merchant_id, m.customer_id, 'closed', 0, max(m.created_at), max(m.created_at), min(m.created_at), now()
  from whatsapp_messages m
 where m.customer_id is not null
 group by m.merchant_id, m.customer_id;
update whatsapp_messages m set conversation_id = 'cnv_' || substr(m.customer_id, 5) where m.customer_id is not null;
create index whatsapp_messages_conversation_id on whatsapp_messages (conversation_id, id);
