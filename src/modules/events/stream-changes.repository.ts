// The stream's coalesced changes (migration 0027): one row per (type, subject), moved to the
// writing transaction's position on every change.
import type { Queryable } from '../../platform/store/db.ts';

export interface StreamChangeInsert {
  merchantId: string;
  type: 'conversation.updated' | 'message.status';
  subjectId: string;
  conversationId: string | null;
  positionId: string;
}

export async function upsertStreamChanges(q: Queryable, rows: StreamChangeInsert[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `insert into stream_changes (merchant_id, type, subject_id, conversation_id, position_id, changed_at)
     select m, t, s, c, p, $6 from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as v(m, t, s, c, p)
     on conflict (merchant_id, type, subject_id) do update set
       position_id = excluded.position_id,
       conversation_id = coalesce(excluded.conversation_id, stream_changes.conversation_id),
       tx_id = pg_current_xact_id(),
       changed_at = excluded.changed_at`,
    [
      rows.map((r) => r.merchantId),
      rows.map((r) => r.type),
      rows.map((r) => r.subjectId),
      rows.map((r) => r.conversationId),
      rows.map((r) => r.positionId),
      now,
    ],
  );
}
