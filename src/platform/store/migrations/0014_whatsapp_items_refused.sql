-- A webhook item that cannot be applied (a poison item: a NUL or an unpaired surrogate in
-- its text, values the database refuses, or a failure that retrying did not fix) is set
-- aside as 'refused' with its reason in note, so it never blocks the rest of its delivery.
alter table whatsapp_items drop constraint if exists whatsapp_items_status_check;
alter table whatsapp_items add constraint whatsapp_items_status_check
  check (status in ('received', 'processed', 'unroutable', 'ignored', 'failed', 'refused'));
