// The live stream's reads (migration 0027): the business events of the log and the coalesced
// changes, merged in position order, and only up to the reader's snapshot xmin (see the
// migration: a transaction below it has ended, so nothing can commit behind a position
// already handed out).
import type { Queryable } from '../../platform/store/db.ts';

export interface StreamRow {
  /** The writing transaction's id (xid8, as text: it may exceed 2^53). */
  tx: string;
  id: string;
  type: string;
  order_id: string | null;
  data: Record<string, unknown> | null;
  subject_id: string | null;
  conversation_id: string | null;
}

const EVENTS = `e.merchant_id = $1 and (e.tx_id, e.id) > ($2::xid8, $3) and (e.type = 'message.received' or e.type like any($4::text[]))`;
const CHANGES = `c.merchant_id = $1 and (c.tx_id, c.position_id) > ($2::xid8, $3)`;

/** The next rows after (tx, id), oldest first, that no transaction still running can precede. */
export async function readStream(
  q: Queryable,
  merchantId: string,
  after: { tx: string; id: string },
  prefixes: readonly string[],
  limit: number,
): Promise<StreamRow[]> {
  return q.query<StreamRow>(
    `with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
     select tx_id::text as tx, id, type, order_id, data, subject_id, conversation_id from (
       select e.tx_id, e.id, e.type, e.order_id, e.data, null::text as subject_id, null::text as conversation_id
         from events e, snap where ${EVENTS} and e.tx_id < snap.xmin
       union all
       select c.tx_id, c.position_id, c.type, null, null, c.subject_id, c.conversation_id
         from stream_changes c, snap where ${CHANGES} and c.tx_id < snap.xmin
     ) s order by tx_id, id limit $5`,
    [merchantId, after.tx, after.id, prefixes.map((p) => `${p}%`), limit],
  );
}

/**
 * Whether committed rows wait beyond the snapshot's xmin (an older transaction still runs):
 * the reader looks again shortly instead of waiting for the next wake-up.
 */
export async function heldBack(q: Queryable, merchantId: string, after: { tx: string; id: string }, prefixes: readonly string[]): Promise<boolean> {
  const rows = await q.query(
    `with snap as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
     select 1 from events e, snap where ${EVENTS} and e.tx_id >= snap.xmin
     union all
     select 1 from stream_changes c, snap where ${CHANGES} and c.tx_id >= snap.xmin
     limit 1`,
    [merchantId, after.tx, after.id, prefixes.map((p) => `${p}%`)],
  );
  return rows.length > 0;
}

/** Where a new stream starts: the snapshot's xmin (every transaction still running, and after). */
export async function streamHead(q: Queryable): Promise<string> {
  return (await q.query<{ xmin: string }>(`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`))[0]!.xmin;
}

/**
 * Whether `from` is behind the merchant's horizon (the newest change the retention purge
 * deleted, migration 0029): resuming from there could skip a pruned change.
 */
export async function behindHorizon(q: Queryable, merchantId: string, from: { tx: string; id: string }): Promise<boolean> {
  const rows = await q.query(`select 1 from stream_horizons where merchant_id = $1 and (tx_id, position_id) > ($2::xid8, $3)`, [merchantId, from.tx, from.id]);
  return rows.length > 0;
}
