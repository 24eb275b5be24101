-- Customers (issue 15 item 1): one row per person per merchant. WhatsApp's business-scoped
-- user id (bsuid) is the identity when present; the phone (wa_id) is an attribute that may
-- be missing and may move to another person (a recycled number arrives with a new bsuid).
-- A phone belongs to at most one customer at a time; a bsuid to exactly one.
create table customers (
  id text primary key,
  merchant_id text not null references merchants(id),
  bsuid text,
  wa_id text,
  -- WhatsApp username: display only, never an identity
  username text,
  -- the name the merchant gave (PATCH); profile_name is what WhatsApp tells us
  name text,
  profile_name text,
  tags jsonb not null default '[]'::jsonb,
  last_inbound_at timestamptz,
  last_message_at timestamptz,
  opted_out_at timestamptz,
  -- per-recipient pacing (Meta's pair rate limit): a small token bucket per customer
  pair_tokens double precision,
  pair_refilled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index customers_bsuid on customers (merchant_id, bsuid) where bsuid is not null;
create unique index customers_wa_id on customers (merchant_id, wa_id) where wa_id is not null;
create index customers_merchant on customers (merchant_id, id);

-- How a customer's identifiers changed (a number linked to a bsuid, a number that moved to
-- another person, user_changed_number, user_changed_user_id).
create table customer_identity_changes (
  id text primary key,
  merchant_id text not null references merchants(id),
  customer_id text not null references customers(id),
  field text not null check (field in ('wa_id', 'bsuid')),
  old_value text,
  new_value text,
  reason text not null,
  created_at timestamptz not null
);
create index customer_identity_changes_customer on customer_identity_changes (customer_id, created_at);

-- Backfill: every number we knew of becomes a customer (no bsuid yet: the next message
-- from that number links it). Ids are deterministic ('cus_' + '0' + 25 hex digits of a
-- hash: a valid, time-zero ULID body), so the same database migrates the same way twice.
insert into customers (id, merchant_id, wa_id, profile_name, last_inbound_at, last_message_at, opted_out_at, pair_tokens, pair_refilled_at, created_at, updated_at)
select 'cus_0' || substr(md5(k.merchant_id || ':' || k.wa_id), 1, 25), k.merchant_id, k.wa_id,
       c.name, c.last_inbound_at, c.last_inbound_at, c.opted_out_at, c.pair_tokens, c.pair_refilled_at,
       coalesce(c.created_at, now()), now()
  from (
    select merchant_id, wa_id from whatsapp_contacts
    union select merchant_id, customer_wa_id from orders
    union select merchant_id, customer_wa_id from bookings
    union select merchant_id, wa_id from flow_tokens
    union select merchant_id, wa_id from whatsapp_messages
  ) k
  left join whatsapp_contacts c on c.merchant_id = k.merchant_id and c.wa_id = k.wa_id;

-- A customer's name from their latest order when WhatsApp never told us one.
update customers cu set name = o.customer_name
  from (select distinct on (merchant_id, customer_wa_id) merchant_id, customer_wa_id, customer_name
          from orders where customer_name is not null order by merchant_id, customer_wa_id, created_at desc) o
 where o.merchant_id = cu.merchant_id and o.customer_wa_id = cu.wa_id and cu.profile_name is null;

drop table whatsapp_contacts;

-- Everything about a person points at the customer; the phone columns stay as what was
-- known at the time (and may be null for a customer known by bsuid only).
alter table orders add column customer_id text references customers(id);
alter table orders add column customer_bsuid text;
alter table orders alter column customer_wa_id drop not null;
update orders o set customer_id = 'cus_0' || substr(md5(o.merchant_id || ':' || o.customer_wa_id), 1, 25);
create index orders_merchant_customer_id on orders (merchant_id, customer_id, id);

alter table bookings add column customer_id text references customers(id);
alter table bookings alter column customer_wa_id drop not null;
update bookings b set customer_id = 'cus_0' || substr(md5(b.merchant_id || ':' || b.customer_wa_id), 1, 25);
create index bookings_merchant_customer on bookings (merchant_id, customer_id, id);

alter table flow_tokens add column customer_id text references customers(id);
alter table flow_tokens alter column wa_id drop not null;
update flow_tokens f set customer_id = 'cus_0' || substr(md5(f.merchant_id || ':' || f.wa_id), 1, 25);

alter table whatsapp_messages add column customer_id text references customers(id);
alter table whatsapp_messages alter column wa_id drop not null;
update whatsapp_messages m set customer_id = 'cus_0' || substr(md5(m.merchant_id || ':' || m.wa_id), 1, 25);
create index whatsapp_messages_customer on whatsapp_messages (merchant_id, customer_id, id);
