// Deliveries (one per event × endpoint) and their attempts, plus the reads of the
// event log the webhook jobs need.
import type { Queryable } from '../../platform/store/db.ts';
import type { EventRow } from './events.repository.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped';

export interface DeliveryRow {
  id: string;
  merchant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string | null;
  status: DeliveryStatus;
  round: number;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  id: string;
  merchant_id: string;
  endpoint_id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  round: number;
  attempt: number;
  url: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  created_at: Date;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string | null;
}

/**
 * Creates deliveries, or with `replay` starts a new round of an existing one (attempts
 * back to 0, pending now). Returns the rows that are pending as a result.
 */
export async function upsertDeliveries(q: Queryable, merchantId: string, rows: NewDelivery[], o: { now: Date; replay: boolean }): Promise<DeliveryRow[]> {
  if (rows.length === 0) return [];
  const conflict = o.replay
    ? `do update set status = 'pending', round = webhook_deliveries.round + 1, attempts = 0, next_attempt_at = excluded.next_attempt_at,
         payload = coalesce(webhook_deliveries.payload, excluded.payload), updated_at = excluded.updated_at`
    : 'do nothing';
  return q.query<DeliveryRow>(
    `insert into webhook_deliveries (id, merchant_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at, updated_at)
     select d.id, $1::text, d.endpoint_id, d.event_id, d.event_type, d.payload, 'pending', $2::timestamptz, $2::timestamptz, $2::timestamptz
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) as d(id, endpoint_id, event_id, event_type, payload)
     on conflict (endpoint_id, event_id) ${conflict}
     returning *`,
    [
      merchantId,
      o.now,
      rows.map((r) => r.id),
      rows.map((r) => r.endpointId),
      rows.map((r) => r.eventId),
      rows.map((r) => r.eventType),
      rows.map((r) => r.payload),
    ],
  );
}

export async function getDelivery(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<DeliveryRow | undefined> {
  return (
    await q.query<DeliveryRow>(`select * from webhook_deliveries where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export type DeliveryPatch = Partial<
  Pick<DeliveryRow, 'payload' | 'status' | 'attempts' | 'next_attempt_at' | 'last_status_code' | 'last_error' | 'delivered_at'>
>;

export async function updateDelivery(q: Queryable, merchantId: string, id: string, patch: DeliveryPatch, now: Date): Promise<DeliveryRow | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [merchantId, id, now];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    params.push(v);
    sets.push(`${k} = $${params.length}`);
  }
  return (
    await q.query<DeliveryRow>(
      `update webhook_deliveries set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`,
      params,
    )
  )[0];
}

/** A disabled endpoint's waiting deliveries stop; a replay after re-enabling sends them. */
export async function skipPendingDeliveries(q: Queryable, merchantId: string, endpointId: string, reason: string, now: Date): Promise<number> {
  return (
    await q.query(
      `update webhook_deliveries set status = 'skipped', last_error = $3, next_attempt_at = null, updated_at = $4
        where merchant_id = $1 and endpoint_id = $2 and status = 'pending' returning id`,
      [merchantId, endpointId, reason, now],
    )
  ).length;
}

export async function insertAttempt(q: Queryable, a: Omit<AttemptRow, 'merchant_id'> & { merchantId: string }): Promise<void> {
  await q.query(
    `insert into webhook_attempts (id, merchant_id, endpoint_id, delivery_id, event_id, event_type, round, attempt, url, status_code, latency_ms, response_excerpt, error, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      a.id,
      a.merchantId,
      a.endpoint_id,
      a.delivery_id,
      a.event_id,
      a.event_type,
      a.round,
      a.attempt,
      a.url,
      a.status_code,
      a.latency_ms,
      a.response_excerpt,
      a.error,
      a.created_at,
    ],
  );
}

export async function listAttempts(
  q: Queryable,
  merchantId: string,
  endpointId: string,
  f: { eventId?: string | undefined; deliveryId?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<AttemptRow[]> {
  return q.query<AttemptRow>(
    `select * from webhook_attempts where merchant_id = $1 and endpoint_id = $2 and ($3::text is null or event_id = $3)
       and ($4::text is null or delivery_id = $4) and ($5::text is null or id < $5)
     order by id desc limit $6`,
    [merchantId, endpointId, f.eventId ?? null, f.deliveryId ?? null, page.startingAfter ?? null, page.limit + 1],
  );
}

export async function listDeliveries(
  q: Queryable,
  merchantId: string,
  endpointId: string,
  f: { status?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<DeliveryRow[]> {
  return q.query<DeliveryRow>(
    `select * from webhook_deliveries where merchant_id = $1 and endpoint_id = $2 and ($3::text is null or status = $3) and ($4::text is null or id < $4)
     order by id desc limit $5`,
    [merchantId, endpointId, f.status ?? null, page.startingAfter ?? null, page.limit + 1],
  );
}

/** A delivery with its endpoint's URL and state, for the merchant-wide list. */
export type DeliveryWithEndpointRow = DeliveryRow & { endpoint_url: string; endpoint_enabled: boolean };

/**
 * Deliveries across all of the merchant's endpoints, newest first. `retrying` is a pending
 * delivery that has failed at least once and waits for its next attempt.
 */
export async function listMerchantDeliveries(
  q: Queryable,
  merchantId: string,
  f: { status?: DeliveryStatus | 'retrying' | undefined; endpointId?: string | undefined; eventType?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<DeliveryWithEndpointRow[]> {
  const params: unknown[] = [merchantId];
  const where = ['d.merchant_id = $1'];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (f.status === 'retrying') where.push(`d.status = 'pending' and d.attempts > 0`);
  else if (f.status !== undefined) add((p) => `d.status = ${p}`, f.status);
  if (f.endpointId !== undefined) add((p) => `d.endpoint_id = ${p}`, f.endpointId);
  if (f.eventType !== undefined) add((p) => `d.event_type = ${p}`, f.eventType);
  if (page.startingAfter !== undefined) add((p) => `d.id < ${p}`, page.startingAfter);
  params.push(page.limit + 1);
  return q.query<DeliveryWithEndpointRow>(
    `select d.*, e.url as endpoint_url, e.enabled as endpoint_enabled
       from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
      where ${where.join(' and ')}
      order by d.id desc limit $${params.length}`,
    params,
  );
}

export async function getEventById(q: Queryable, merchantId: string, id: string): Promise<EventRow | undefined> {
  return (await q.query<EventRow>(`select * from events where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

/** Events of a time range for a replay, oldest first; one more than `limit` tells the caller it was cut. */
export async function listEventsBetween(q: Queryable, merchantId: string, from: Date, to: Date, limit: number): Promise<Pick<EventRow, 'id' | 'type'>[]> {
  return q.query(`select id, type from events where merchant_id = $1 and created_at >= $2 and created_at < $3 order by created_at, id limit $4`, [
    merchantId,
    from,
    to,
    limit + 1,
  ]);
}
