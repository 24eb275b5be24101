-- The live stream's positions (GET /v1/stream, docs/api.md "Live updates").
--
-- A stream position is (tx_id, id): the id of the transaction that wrote the row
-- (pg_current_xact_id(), a 64-bit xid8 that never wraps) and the row's own id. A reader
-- only takes rows whose tx_id is below the xmin of its own snapshot: every transaction with
-- a smaller id has ended by then (committed and visible, or rolled back), so no row can
-- later appear behind a position already handed out, however late its transaction commits.
-- Ids taken in creation order (the events' ULIDs, a bigserial) cannot promise that: a
-- transaction that took a smaller id can commit after a reader has moved past it.
--
-- Rows written before this migration keep tx_id 0: they are older than any stream.
alter table events add column if not exists tx_id xid8 not null default '0';
alter table events alter column tx_id set default pg_current_xact_id();
create index if not exists events_merchant_stream on events (merchant_id, tx_id, id);

-- What the stream shows that is not a business event: a conversation changed, a message's
-- delivery status moved. One row per subject, moved forward on every change (the stream
-- coalesces: a client that reads late sees the latest change once, not every step).
create table if not exists stream_changes (
  merchant_id text not null references merchants(id),
  type text not null check (type in ('conversation.updated', 'message.status')),
  subject_id text not null,
  conversation_id text,
  position_id text not null,
  tx_id xid8 not null default pg_current_xact_id(),
  changed_at timestamptz not null,
  primary key (merchant_id, type, subject_id)
);
create index if not exists stream_changes_position on stream_changes (merchant_id, tx_id, position_id);
