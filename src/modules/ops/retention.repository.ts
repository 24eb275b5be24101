// All SQL of the retention purge (ops.retention.ts). Each target is one bounded
// UPDATE that redacts the personal part of rows older than a cutoff and marks them, so
// a second run finds nothing (idempotent) and a partial index finds what is left. Rows
// are kept (ids, statuses, timestamps, amounts) for audit and deduplication; rows still
// waiting to be processed or sent are never touched. Money tables (orders, payments,
// refunds, events, ledger) are not here at all. Two targets delete instead: uploads no
// message names any more, and the live stream's old coalesced changes.
import type { Queryable } from '../../platform/store/db.ts';

export type PurgeSetting = 'webhook_bodies' | 'conversations' | 'media' | 'stream_changes';

export interface PurgeTarget {
  /** Which retention setting governs it. */
  setting: PurgeSetting;
  /** The eligible rows of a cutoff; `$1` is the cutoff. */
  from: string;
  /** Key column and the redaction (`$2` is now); without `set` the rows are deleted. */
  key: string;
  set?: string;
  /** Instead of the generic statement: one batch (`$1` cutoff, `$2` now, `$3` limit), selecting `n`, the rows done. */
  batch?: string;
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
  // The number a checkout-link payer typed (unverified, personal data); the order keeps the sale.
  checkout_link_payers: {
    setting: 'conversations',
    from: `checkout_link_payers where contact_wa_id is not null and created_at < $1`,
    key: 'order_id',
    set: `contact_wa_id = null`,
  },
  // Uploaded media (POST /v1/uploads) that no message names: never sent, or its messages' content
  // was redacted (conversations period, or erasure). A message still naming it keeps it, whatever its age.
  media_uploads: {
    setting: 'media',
    from: `media_uploads u where u.created_at < $1
             and not exists (select 1 from whatsapp_messages m where m.merchant_id = u.merchant_id and m.payload ? 'upload_id' and m.payload->>'upload_id' = u.id)`,
    key: 'id',
  },
  // The live stream's coalesced changes (0027): no personal data, but one row per conversation
  // and message forever. Pruned after STREAM_CHANGES_KEEP_HOURS; each merchant's horizon (the
  // newest position pruned) is kept so that GET /v1/stream answers 410 to a Last-Event-ID
  // behind it (the client reloads and starts afresh) instead of resuming past a hole. An open
  // stream reads continuously, so only a client away longer than that can be behind it.
  stream_changes: {
    setting: 'stream_changes',
    from: `stream_changes where changed_at < $1`,
    key: '(merchant_id, type, subject_id)',
    batch: `with gone as (
               delete from stream_changes where $2::timestamptz is not null and (merchant_id, type, subject_id) in
                 (select merchant_id, type, subject_id from stream_changes where changed_at < $1 limit $3 for update skip locked)
               returning merchant_id, tx_id, position_id),
             top as (select distinct on (merchant_id) merchant_id, tx_id, position_id from gone order by merchant_id, tx_id desc, position_id desc),
             up as (insert into stream_horizons (merchant_id, tx_id, position_id) select merchant_id, tx_id, position_id from top
                      on conflict (merchant_id) do update set tx_id = excluded.tx_id, position_id = excluded.position_id
                      where (stream_horizons.tx_id, stream_horizons.position_id) < (excluded.tx_id, excluded.position_id)
                      returning 1)
             select count(*)::int as n from gone`,
  },
} as const satisfies Record<string, PurgeTarget>;

export type PurgeTargetName = keyof typeof PURGE_TARGETS;

/** Redacts up to `limit` eligible rows; returns how many. SKIP LOCKED: two purges never wait on each other. */
export async function purgeBatch(q: Queryable, name: PurgeTargetName, cutoff: Date, now: Date, limit: number): Promise<number> {
  const t: PurgeTarget = PURGE_TARGETS[name];
  if (t.batch) return (await q.query<{ n: number }>(t.batch, [cutoff, now, limit]))[0]?.n ?? 0;
  const table = t.from.split(' ')[0]!;
  const eligible = `${t.key} in (select ${t.key} from ${t.from} limit $3 for update skip locked)`;
  const rows = await q.query(
    t.set === undefined
      ? `delete from ${table} where $2::timestamptz is not null and ${eligible} returning 1 as x`
      : `update ${table} set ${t.set} where $2::timestamptz is not null and ${eligible} returning 1 as x`,
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
