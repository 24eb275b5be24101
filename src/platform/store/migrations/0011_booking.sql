-- The booking flow (issue 6, docs/flows.md §7): what 0007's data model needed once the
-- flow was built. A customer's optional note travels with the booking; the deposit
-- order's changes (paid, expired, canceled) find their booking by order id.
alter table bookings add column if not exists note text;
create index if not exists bookings_order on bookings (order_id) where order_id is not null;
-- GET /v1/bookings?from=&to= reads a merchant's bookings by start time.
create index if not exists bookings_merchant_starts on bookings (merchant_id, starts_at);
