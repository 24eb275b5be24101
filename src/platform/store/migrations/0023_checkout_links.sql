-- Checkout links (issue 16 item 1): a shop's reusable links, /c/{slug}, each of a fixed
-- amount, an amount within a range, or a set of catalog products. Every payer gets an
-- order of their own (source 'checkout_link') for a guest customer; what they typed to be
-- told of the payment (a number and the opt-in) stays here, beside the order, never on a
-- customer.
create table checkout_links (
  id text primary key,
  merchant_id text not null references merchants(id),
  -- at least 96 random bits (16 random bytes, base64url): the link is its own secret
  slug text not null unique,
  name text not null,
  description text,
  currency text not null,
  -- exactly one of: a fixed amount, a range (min..max), or products (retailer_ids)
  amount bigint check (amount is null or (amount > 0 and amount <= 9007199254740991)),
  amount_min bigint check (amount_min is null or amount_min > 0),
  amount_max bigint check (amount_max is null or (amount_max >= amount_min and amount_max <= 9007199254740991)),
  retailer_ids jsonb not null default '[]'::jsonb,
  max_payments integer check (max_payments is null or max_payments > 0),
  -- captures counted against max_payments (under the link row's lock, in the capture's transaction)
  payments_captured integer not null default 0 check (payments_captured >= 0),
  expires_at timestamptz,
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index checkout_links_merchant on checkout_links (merchant_id, id);

alter table orders add column source text;
alter table orders add column checkout_link_id text references checkout_links(id);
create index orders_checkout_link on orders (merchant_id, checkout_link_id, id) where checkout_link_id is not null;

create table checkout_link_payers (
  order_id text primary key references orders(id),
  merchant_id text not null references merchants(id),
  checkout_link_id text not null references checkout_links(id),
  -- the number typed on the page: unverified, so never a customer's identity
  contact_wa_id text,
  -- the explicit opt-in: only then is the receipt sent to contact_wa_id
  notify boolean not null default false,
  created_at timestamptz not null
);
create index checkout_link_payers_link on checkout_link_payers (merchant_id, checkout_link_id, created_at);
