-- The double-entry ledger (docs/ledger.md). Append-only: a correction is a new,
-- reversing transaction, never an update. A transaction's postings sum to zero (one
-- currency per transaction; the app refuses anything else and tests check it in SQL).
-- external_key is chosen by the caller from the fact being booked (capture:<provider>:<id>,
-- refund:<rfd_id>, …), so booking the same fact twice inserts nothing.

create table ledger_transactions (
  id text primary key,
  merchant_id text not null references merchants(id),
  kind text not null,
  external_key text not null,
  order_id text,
  provider text,
  provider_payment_id text,
  currency text not null,
  -- when it happened (the provider's time where known); created_at is when we booked it
  event_at timestamptz not null,
  created_at timestamptz not null default now(),
  metadata jsonb not null default '{}'::jsonb,
  unique (merchant_id, external_key)
);
create index ledger_transactions_merchant on ledger_transactions (merchant_id, id);
create index ledger_transactions_order on ledger_transactions (merchant_id, order_id, id) where order_id is not null;
create index ledger_transactions_provider_payment on ledger_transactions (merchant_id, provider, provider_payment_id) where provider_payment_id is not null;

create table ledger_postings (
  transaction_id text not null references ledger_transactions(id),
  line integer not null,
  merchant_id text not null references merchants(id),
  account text not null,
  order_id text,
  currency text not null,
  -- debit positive, credit negative; never zero
  amount bigint not null check (amount <> 0 and amount between -9007199254740991 and 9007199254740991),
  primary key (transaction_id, line)
);
create index ledger_postings_order on ledger_postings (merchant_id, order_id, account) where order_id is not null;
create index ledger_postings_account on ledger_postings (merchant_id, account, currency);

-- Append-only, also for whoever opens a SQL prompt.
create function ledger_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: book a reversing transaction instead of %', tg_op;
end;
$$;
create trigger ledger_transactions_append_only before update or delete on ledger_transactions
  for each row execute function ledger_refuse_change();
create trigger ledger_postings_append_only before update or delete on ledger_postings
  for each row execute function ledger_refuse_change();

-- Existing orders get one 'opening' transaction each, so that amounts projected from the
-- ledger from now on equal the amounts already on the order: what it was paid (revenue),
-- what was refunded, and captured money not applied to it (extra or in-review captures not
-- yet given back). Every pair of lines balances by construction.
create temporary table ledger_opening as
with o as (
  select o.id, o.merchant_id, o.currency, o.amount_paid, o.amount_refunded, o.created_at,
         coalesce((select p.provider from payments p where p.id = o.current_payment_id),
                  (select p.provider from payments p where p.order_id = o.id order by p.id limit 1), 'unknown') as provider,
         greatest(0,
           coalesce((select sum(pp.amount) from provider_payments pp where pp.order_id = o.id and pp.disposition in ('extra', 'review') and pp.currency = o.currency), 0)
           - coalesce((select sum(r.amount) from refunds r where r.order_id = o.id and r.status = 'succeeded' and r.kind in ('extra_capture', 'review') and r.currency = o.currency), 0)
         ) as unapplied
    from orders o
   where o.amount_paid > 0 or o.amount_refunded > 0
      or exists (select 1 from provider_payments pp where pp.order_id = o.id and pp.disposition in ('extra', 'review'))
), lines as (
  select o.*, l.ord, l.account, l.amount
    from o, lateral (values
      (1, 'provider_clearing:' || o.provider, o.amount_paid),
      (2, 'revenue', -o.amount_paid),
      (3, 'refunds', o.amount_refunded),
      (4, 'provider_clearing:' || o.provider, -o.amount_refunded),
      (5, 'provider_clearing:' || o.provider, o.unapplied),
      (6, 'unapplied_receipts', -o.unapplied)
    ) as l(ord, account, amount)
   where l.amount <> 0
)
select * from lines;

insert into ledger_transactions (id, merchant_id, kind, external_key, order_id, provider, currency, event_at, metadata)
select distinct 'ltx_' || substr(id, 5), merchant_id, 'opening', 'opening:' || id, id, provider, currency, created_at, '{"source": "migration 0008"}'::jsonb
  from ledger_opening;

insert into ledger_postings (transaction_id, line, merchant_id, account, order_id, currency, amount)
select 'ltx_' || substr(id, 5), row_number() over (partition by id order by ord), merchant_id, account, id, currency, amount
  from ledger_opening;

drop table ledger_opening;
