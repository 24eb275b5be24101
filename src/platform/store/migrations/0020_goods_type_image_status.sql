-- Issue 12 items 5 and 6. A product is digital or physical goods: a cart holding a
-- physical product becomes a physical-goods order, which needs a delivery address
-- before it is billed. A product's image_url is checked once, in a job, through the
-- SSRF guard: image_status says what the check found (null: no image, or not checked
-- yet), image_reason why, image_checked_at when.
alter table products add column if not exists goods_type text not null default 'digital-goods';
alter table products add column if not exists image_status text;
alter table products add column if not exists image_reason text;
alter table products add column if not exists image_checked_at timestamptz;
