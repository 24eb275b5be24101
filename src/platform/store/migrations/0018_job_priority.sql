-- Job lanes. A merchant's broadcast brings back thousands of delivery statuses; a customer's
-- message or a provider's payment event must not wait behind them (the inbox failure mode:
-- messages late by hours). Workers claim the highest priority first, then the oldest.
-- 0 is the default lane; 10 is what a customer or a payment is waiting for.
alter table jobs add column if not exists priority smallint not null default 0;
drop index if exists jobs_claimable;
create index if not exists jobs_claimable on jobs (priority desc, run_at, id) where status in ('queued', 'running');
