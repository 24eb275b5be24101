-- The merchant's business settings (GET|PATCH /v1/settings/business): the time zone every
-- day and time is read in (bookings, reports, quiet hours), the locale and the default
-- currency money is written in. Columns, not keys of merchants.settings: reports join on
-- them, and a column has one type and one default.
alter table merchants add column if not exists time_zone text not null default 'UTC';
alter table merchants add column if not exists locale text not null default 'en';
-- null until the merchant sets it (GET answers the catalog's currency meanwhile)
alter table merchants add column if not exists currency text;

-- The booking settings kept their zone at settings.time_zone: it becomes the business one.
-- Values there were checked as IANA names when written; an empty one stays UTC.
update merchants
   set time_zone = settings->>'time_zone'
 where jsonb_typeof(settings->'time_zone') = 'string' and length(settings->>'time_zone') between 1 and 64;
update merchants set settings = settings - 'time_zone' where settings ? 'time_zone';

-- The currency an existing merchant sells in: its latest order's, else its latest product's.
update merchants m
   set currency = coalesce(
         (select o.currency from orders o where o.merchant_id = m.id order by o.created_at desc, o.id desc limit 1),
         (select p.currency from products p where p.merchant_id = m.id order by p.created_at desc, p.id desc limit 1))
 where m.currency is null;

-- GET /v1/orders?expires_before= (unpaid bills about to expire, the console's Today page).
create index if not exists orders_merchant_expires on orders (merchant_id, expires_at);

-- GET /v1/webhook-deliveries?status=failed: failed deliveries across all of a merchant's endpoints.
create index if not exists webhook_deliveries_merchant_status on webhook_deliveries (merchant_id, status, id);

-- GET /v1/reports/daily sums the ledger by the day each transaction happened.
create index if not exists ledger_transactions_merchant_event_at on ledger_transactions (merchant_id, event_at);
