// The inbox of provider webhooks: stored (deduplicated by the provider's event id)
// before we answer 2xx, processed by a job.
import type { Queryable } from '../../platform/store/db.ts';

export interface ProviderEventRow {
  id: string;
  merchant_id: string;
  provider: string;
  event_id: string;
  event_type: string;
  body: string;
  normalized: unknown[];
  status: 'received' | 'processed' | 'unmatched' | 'ignored';
  note: string | null;
  received_at: Date;
  processed_at: Date | null;
}

/** Returns the new row's id, or null when this event was already received (a redelivery). */
export async function insertProviderEvent(
  q: Queryable,
  e: { id: string; merchantId: string; provider: string; eventId: string; eventType: string; body: string; normalized: unknown[]; now: Date },
): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `insert into provider_events (id, merchant_id, provider, event_id, event_type, body, normalized, received_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (merchant_id, provider, event_id) do nothing returning id`,
    [e.id, e.merchantId, e.provider, e.eventId, e.eventType, e.body, JSON.stringify(e.normalized), e.now],
  );
  return rows[0]?.id ?? null;
}

export async function getProviderEvent(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ProviderEventRow | undefined> {
  return (await q.query<ProviderEventRow>(`select * from provider_events where id = $1${opts.forUpdate ? ' for update' : ''}`, [id]))[0];
}

export async function markProviderEvent(q: Queryable, id: string, status: ProviderEventRow['status'], note: string | null, now: Date): Promise<void> {
  await q.query(`update provider_events set status = $2, note = $3, processed_at = $4 where id = $1`, [id, status, note, now]);
}
