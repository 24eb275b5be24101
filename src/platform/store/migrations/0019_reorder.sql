-- POST /v1/orders/{id}/reorder: a new order for the same customer and catalog items, at
-- today's prices, that points at the expired or canceled order it replaces.
alter table orders add column if not exists reordered_from text;
create index if not exists orders_reordered_from on orders (merchant_id, reordered_from) where reordered_from is not null;
