-- The sandbox's demo merchant (made by the first sandbox start, composition/onboarding.ts)
-- is marked, so that live mode keeps it inert: none of its keys authenticates and none can
-- be made (docs/operations.md). In a database made before this mark, the demo merchant is
-- the first merchant, named Demo Shop, with a sandbox number (only a sandbox start makes
-- one in an empty database).
alter table merchants add column demo boolean not null default false;

update merchants set demo = true
 where id = (select id from merchants order by created_at, id limit 1)
   and name = 'Demo Shop'
   and exists (select 1 from whatsapp_numbers n where n.merchant_id = merchants.id and n.sandbox);
