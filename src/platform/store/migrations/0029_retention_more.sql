-- Retention for what recent features store (docs/operations.md "Retention").

-- The live stream's coalesced changes are pruned once no stream can still need them; how far
-- each merchant's were pruned, so that GET /v1/stream refuses (410) to resume from a position
-- behind it rather than silently skip what was pruned.
create table if not exists stream_horizons (
  merchant_id text primary key references merchants(id),
  tx_id xid8 not null,
  position_id text not null
);
create index if not exists stream_changes_changed_at on stream_changes (changed_at);

-- The number a checkout-link payer typed is personal data: cleared after the conversations period.
create index if not exists checkout_link_payers_contact on checkout_link_payers (created_at) where contact_wa_id is not null;

-- Which upload an outgoing message sends (payload.upload_id, set by POST /v1/messages): an upload
-- no message names any more is deleted after RETENTION_DAYS_MEDIA. Messages sent before this
-- migration name it only by its link.
update whatsapp_messages m set payload = m.payload || jsonb_build_object('upload_id', u.id)
  from media_uploads u
 where m.merchant_id = u.merchant_id and m.direction = 'out' and m.type in ('image', 'document') and m.redacted_at is null
   and strpos(m.payload::text, '/media/' || u.token) > 0;
create index if not exists whatsapp_messages_upload on whatsapp_messages (merchant_id, (payload->>'upload_id')) where payload ? 'upload_id';
create index if not exists media_uploads_created on media_uploads (created_at);
