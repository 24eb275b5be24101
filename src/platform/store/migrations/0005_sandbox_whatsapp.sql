-- The sandbox's tables moved to the sandbox package's own migrations
-- (packages/sandbox/migrations/0001_sandbox_tables.sql). The name stays, so the order of
-- the product's migrations and what a database records as applied do not change.
select 1;
