-- Reconciliation imports run in a job (issue 10 item 2): the upload is streamed into the
-- database in chunks, the API answers 202 with a run that is `importing`, and a job parses
-- the stored file with the streaming CSV parser, writing items batch by batch. The run
-- shows its progress and ends `clean`, `mismatches` or `failed` (with the reason).

-- A file uploaded since this migration lives in chunks (content is null, upload_id names
-- them); files stored before keep their text in content.
alter table reconciliation_files alter column content drop not null;
alter table reconciliation_files add column if not exists upload_id text;
alter table reconciliation_files alter column size_bytes type bigint;

-- Raw bytes as uploaded (a chunk may end inside a UTF-8 character: the parser joins them).
create table if not exists reconciliation_file_chunks (
  upload_id text not null,
  seq integer not null check (seq >= 1),
  merchant_id text not null references merchants(id),
  data bytea not null,
  created_at timestamptz not null,
  primary key (upload_id, seq)
);
create index if not exists reconciliation_file_chunks_created on reconciliation_file_chunks (created_at);

alter table reconciliation_runs drop constraint if exists reconciliation_runs_status_check;
alter table reconciliation_runs add constraint reconciliation_runs_status_check check (status in ('importing', 'clean', 'mismatches', 'failed'));
-- Progress while importing: bytes of the file read so far (of bytes_total, the file's size) and items written.
alter table reconciliation_runs add column if not exists bytes_total bigint not null default 0;
alter table reconciliation_runs add column if not exists bytes_read bigint not null default 0;
alter table reconciliation_runs add column if not exists items_imported integer not null default 0;
-- Why a run failed (the message names the line) and the line, when there is one.
alter table reconciliation_runs add column if not exists failure_reason text;
alter table reconciliation_runs add column if not exists failure_line integer;
alter table reconciliation_runs add column if not exists completed_at timestamptz;
update reconciliation_runs set completed_at = created_at,
  bytes_total = coalesce((select size_bytes from reconciliation_files f where f.merchant_id = reconciliation_runs.merchant_id and f.sha256 = reconciliation_runs.file_sha256), 0),
  bytes_read = coalesce((select size_bytes from reconciliation_files f where f.merchant_id = reconciliation_runs.merchant_id and f.sha256 = reconciliation_runs.file_sha256), 0),
  items_imported = (select count(*) from reconciliation_items i where i.run_id = reconciliation_runs.id)
 where completed_at is null;
