-- Issue 15 item 4: the merchant's message templates kept current. GET /v1/templates used to
-- read them from the Graph API on every call; they are now stored per merchant and WABA,
-- refreshed from GET /{waba_id}/message_templates when the copy is stale, and kept current
-- between refreshes by the message_template_status_update webhook.
create table whatsapp_templates (
  merchant_id text not null references merchants(id),
  waba_id text not null,
  name text not null,
  language text not null,
  -- Meta's message_template_id (null until read from Graph or a webhook names it)
  template_id text,
  -- as Meta writes it: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
  status text not null,
  category text,
  -- Meta's components array; null while only a webhook has told us of the template
  components jsonb,
  -- Meta's reason for the last status change (webhook), e.g. INVALID_FORMAT
  reason text,
  -- when the status was true: a refresh's time, or the webhook's entry time (an older
  -- redelivered webhook never overwrites a newer status)
  status_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (merchant_id, waba_id, name, language)
);

-- The last refresh from Graph per merchant (the copy is stale after a while).
create table whatsapp_template_syncs (
  merchant_id text primary key references merchants(id),
  waba_id text not null,
  synced_at timestamptz not null
);
