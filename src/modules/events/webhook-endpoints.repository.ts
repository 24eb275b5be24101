import type { Queryable } from '../../platform/store/db.ts';

export interface EndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  description: string | null;
  events: string[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  secrets: string;
  failing_since: Date | null;
  exhausted_count: number;
  last_success_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertEndpoint(
  q: Queryable,
  e: { id: string; merchantId: string; url: string; description: string | null; events: string[] | null; enabled: boolean; secrets: string; now: Date },
): Promise<EndpointRow> {
  return (
    await q.query<EndpointRow>(
      `insert into webhook_endpoints (id, merchant_id, url, description, events, enabled, secrets, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning *`,
      [e.id, e.merchantId, e.url, e.description, e.events ? JSON.stringify(e.events) : null, e.enabled, e.secrets, e.now],
    )
  )[0]!;
}

export async function getEndpoint(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<EndpointRow | undefined> {
  return (
    await q.query<EndpointRow>(`select * from webhook_endpoints where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export async function listEndpoints(q: Queryable, merchantId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<EndpointRow[]> {
  return q.query<EndpointRow>(`select * from webhook_endpoints where merchant_id = $1 and ($2::text is null or id > $2) order by id limit $3`, [
    merchantId,
    page.startingAfter ?? null,
    page.limit + 1,
  ]);
}

export async function countEndpoints(q: Queryable, merchantId: string): Promise<number> {
  return (await q.query<{ n: number }>(`select count(*)::int as n from webhook_endpoints where merchant_id = $1`, [merchantId]))[0]!.n;
}

export async function listEnabledEndpoints(q: Queryable, merchantId: string): Promise<EndpointRow[]> {
  return q.query<EndpointRow>(`select * from webhook_endpoints where merchant_id = $1 and enabled order by id`, [merchantId]);
}

export type EndpointPatch = Partial<
  Pick<
    EndpointRow,
    'url' | 'description' | 'events' | 'enabled' | 'disabled_reason' | 'disabled_at' | 'secrets' | 'failing_since' | 'exhausted_count' | 'last_success_at'
  >
>;

export async function updateEndpoint(q: Queryable, merchantId: string, id: string, patch: EndpointPatch, now: Date): Promise<EndpointRow> {
  const sets: string[] = [];
  const params: unknown[] = [merchantId, id, now];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    params.push(k === 'events' && v !== null ? JSON.stringify(v) : v);
    sets.push(`${k} = $${params.length}`);
  }
  return (
    await q.query<EndpointRow>(`update webhook_endpoints set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0]!;
}

export async function deleteEndpoint(q: Queryable, merchantId: string, id: string): Promise<boolean> {
  return (await q.query(`delete from webhook_endpoints where merchant_id = $1 and id = $2 returning id`, [merchantId, id])).length === 1;
}

/**
 * A 2xx: the endpoint is healthy again. A healthy endpoint's row is written at most once
 * a minute (last_success_at), so concurrent deliveries do not queue on its row lock.
 */
export async function markEndpointHealthy(q: Queryable, merchantId: string, id: string, now: Date): Promise<void> {
  await q.query(
    `update webhook_endpoints set failing_since = null, exhausted_count = 0, last_success_at = $3
      where merchant_id = $1 and id = $2
        and (failing_since is not null or exhausted_count > 0 or last_success_at is null or last_success_at < $3::timestamptz - interval '1 minute')`,
    [merchantId, id, now],
  );
}

/** A failed attempt: starts the failing clock (kept if already running) and counts an exhausted delivery. */
export async function markEndpointFailing(
  q: Queryable,
  merchantId: string,
  id: string,
  o: { now: Date; exhausted: boolean },
): Promise<EndpointRow | undefined> {
  return (
    await q.query<EndpointRow>(
      `update webhook_endpoints set failing_since = coalesce(failing_since, $3), exhausted_count = exhausted_count + $4
        where merchant_id = $1 and id = $2 returning *`,
      [merchantId, id, o.now, o.exhausted ? 1 : 0],
    )
  )[0];
}

/** Disables an enabled endpoint; undefined when it was already disabled (someone else decided first). */
export async function disableEndpointIfEnabled(q: Queryable, merchantId: string, id: string, reason: string, now: Date): Promise<EndpointRow | undefined> {
  return (
    await q.query<EndpointRow>(
      `update webhook_endpoints set enabled = false, disabled_reason = $3, disabled_at = $4, updated_at = $4
        where merchant_id = $1 and id = $2 and enabled returning *`,
      [merchantId, id, reason, now],
    )
  )[0];
}
