// All SQL of the retention purge (src/app/retention.ts). Each target is one bounded
// UPDATE that redacts the personal part of rows older than a cutoff and marks them, so
// a second run finds nothing (idempotent) and a partial index finds what is left. Rows
// are kept (ids, statuses, timestamps, amounts) for audit and deduplication; rows still
// waiting to be processed or sent are never touched. Money tables (orders, payments,
// refunds, events, ledger) are not here at all.
import type { Queryable } from '../../platform/store/db.ts';

export interface PurgeTarget {
  /** Which retention setting governs it. */
  setting: 'webhook_bodies' | 'conversations';
  /** The eligible rows of a cutoff; `$1` is the cutoff. */
  from: string;
  /** Key column and the redaction (`$2` is now). */
  key: string;
  set: string;
}

export const PURGE_TARGETS = {
  // Raw signed WhatsApp webhook bodies: profile names, message text, phone numbers.
  whatsapp_inbox: {
    setting: 'webhook_bodies',
    from: `whatsapp_inbox where purged_at is null and status <> 'received' and received_at < $1`,
    key: 'id',
    set: `body = '', purged_at = $2`,
  },
  // The per-item copies of those bodies (the dedupe key and status stay).
  whatsapp_items: {
    setting: 'webhook_bodies',
    from: `whatsapp_items where purged_at is null and status <> 'received' and created_at < $1`,
    key: 'dedupe_key',
    set: `item = '{"redacted": true}'::jsonb, purged_at = $2`,
  },
  // Raw payment provider webhook bodies (customer email/phone); the normalized event (ids, amounts) stays.
  provider_events: {
    setting: 'webhook_bodies',
    from: `provider_events where purged_at is null and status <> 'received' and received_at < $1`,
    key: 'id',
    set: `body = '', purged_at = $2`,
  },
  // What merchants' endpoints answered (may echo customer data).
  webhook_attempts: {
    setting: 'webhook_bodies',
    from: `webhook_attempts where response_excerpt is not null and created_at < $1`,
    key: 'id',
    set: `response_excerpt = null`,
  },
  // Frozen outgoing bodies of finished deliveries; a replay rebuilds them from the event log.
  webhook_deliveries: {
    setting: 'webhook_bodies',
    from: `webhook_deliveries where payload is not null and status <> 'pending' and updated_at < $1`,
    key: 'id',
    set: `payload = null`,
  },
  // The conversation: message content goes, the row (ids, wamid, status, purpose) stays.
  whatsapp_messages: {
    setting: 'conversations',
    from: `whatsapp_messages where redacted_at is null and status not in ('queued', 'sending') and created_at < $1`,
    key: 'id',
    set: `payload = jsonb_build_object('purpose', payload->'purpose', 'redacted', true), redacted_at = $2`,
  },
  // Finished Flows sessions (cart, address typed in the flow).
  flow_tokens: {
    setting: 'conversations',
    from: `flow_tokens where redacted_at is null and status <> 'active' and created_at < $1`,
    key: 'token',
    set: `state = '{}'::jsonb, redacted_at = $2`,
  },
} as const satisfies Record<string, PurgeTarget>;

export type PurgeTargetName = keyof typeof PURGE_TARGETS;

/** Redacts up to `limit` eligible rows; returns how many. SKIP LOCKED: two purges never wait on each other. */
export async function purgeBatch(q: Queryable, name: PurgeTargetName, cutoff: Date, now: Date, limit: number): Promise<number> {
  const t: PurgeTarget = PURGE_TARGETS[name];
  const table = t.from.split(' ')[0]!;
  const rows = await q.query(
    `update ${table} set ${t.set}
      where $2::timestamptz is not null
        and ${t.key} in (select ${t.key} from ${t.from} limit $3 for update skip locked)
      returning 1 as x`,
    [cutoff, now, limit],
  );
  return rows.length;
}

/** How many rows a purge at this cutoff would redact (for --dry-run). */
export async function countPurgeable(q: Queryable, name: PurgeTargetName, cutoff: Date): Promise<number> {
  const t: PurgeTarget = PURGE_TARGETS[name];
  const rows = await q.query<{ n: number }>(`select count(*)::int as n from ${t.from}`, [cutoff]);
  return rows[0]?.n ?? 0;
}
