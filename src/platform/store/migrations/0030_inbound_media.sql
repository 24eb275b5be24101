-- Media a customer sends (image, document, audio, video, sticker): recorded with the message,
-- fetched from the Graph media endpoint by a job (size cap, Meta's sha256 verified), the bytes
-- kept in the database so every node serves them. Never a customer's filename in a path.
create table inbound_media (
  message_id text primary key references whatsapp_messages(id) on delete cascade,
  merchant_id text not null references merchants(id),
  phone_number_id text not null,
  media_id text not null,
  kind text not null check (kind in ('image', 'document', 'audio', 'video', 'sticker')),
  status text not null check (status in ('pending', 'stored', 'failed', 'too_large')),
  -- what WhatsApp declared (webhook, then the media endpoint); the served type comes from the bytes
  declared_mime text,
  declared_sha256 text,
  mime_type text,
  size bigint,
  note text,
  data bytea,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index inbound_media_merchant on inbound_media (merchant_id, message_id);

-- A message redacted (retention, erasure) takes its media with it.
create function inbound_media_redact() returns trigger language plpgsql as $$
begin
  delete from inbound_media where message_id = new.id;
  return new;
end $$;
create trigger whatsapp_messages_redact_media after update of redacted_at on whatsapp_messages
  for each row when (new.redacted_at is not null and old.redacted_at is null) execute function inbound_media_redact();
