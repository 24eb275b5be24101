-- Data retention (docs/operations.md): raw webhook bodies and conversation content are
-- redacted after a configurable period; the rows stay (ids, statuses, timestamps) for
-- audit and deduplication. `purged_at`/`redacted_at` make each purge idempotent, and the
-- partial indexes let a purge batch find what is left without scanning what is done.

alter table whatsapp_inbox add column if not exists purged_at timestamptz;
create index if not exists whatsapp_inbox_purgeable on whatsapp_inbox (received_at) where purged_at is null;
alter table whatsapp_items add column if not exists purged_at timestamptz;
create index if not exists whatsapp_items_purgeable on whatsapp_items (created_at) where purged_at is null;
alter table provider_events add column if not exists purged_at timestamptz;
create index if not exists provider_events_purgeable on provider_events (received_at) where purged_at is null;
create index if not exists webhook_attempts_excerpt on webhook_attempts (created_at) where response_excerpt is not null;
create index if not exists webhook_deliveries_payload on webhook_deliveries (updated_at) where payload is not null and status <> 'pending';
alter table whatsapp_messages add column if not exists redacted_at timestamptz;
create index if not exists whatsapp_messages_redactable on whatsapp_messages (created_at) where redacted_at is null;
alter table flow_tokens add column if not exists redacted_at timestamptz;
create index if not exists flow_tokens_redactable on flow_tokens (created_at) where redacted_at is null;

-- The sweep for webhook deliveries whose job died looks for pending deliveries that are due.
create index if not exists webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';

-- CSV exports (src/app/exports.ts) walk one merchant's rows by (created_at, id).
create index if not exists orders_merchant_created on orders (merchant_id, created_at, id);
create index if not exists payments_merchant_created on payments (merchant_id, created_at, id);
create index if not exists refunds_merchant_created on refunds (merchant_id, created_at, id);
