// The append-only event log. An order's events carry a gap-free per-order sequence
// number taken from orders.event_seq in the same transaction, so receivers can
// order them and drop stale deliveries.
import type { Queryable } from '../../platform/store/db.ts';
import { insertJobsSql, type EnqueueInput } from '../../platform/jobs/jobs.repository.ts';

export type EventSource = 'api' | 'whatsapp' | 'provider' | 'job' | 'cli';

export interface EventRow {
  id: string;
  merchant_id: string;
  order_id: string | null;
  seq: number | null;
  type: string;
  source: EventSource;
  actor: string | null;
  data: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  created_at: Date;
}

export interface EventInsert {
  id: string;
  merchantId: string;
  orderId?: string | null;
  type: string;
  source: EventSource;
  actor: string | null;
  data: Record<string, unknown>;
  previous?: Record<string, unknown> | null;
  now: Date;
  /**
   * Outgoing webhooks: the `webhooks.fanout` job with this id is queued by the same
   * statement, only when the merchant has an enabled endpoint (an indexed EXISTS on a
   * partial index), so the event and its fan-out cost one round trip together.
   */
  fanOutJobId?: string | undefined;
  /** Jobs the change queues (an order's expiry and bill), inserted by the event's statement too. */
  jobs?: readonly EnqueueInput[] | undefined;
}

/** The change's own jobs, a CTE of the event's insert: one round trip for the record and its outbox. */
function jobsCte(jobs: readonly EnqueueInput[], values: unknown[]): string {
  return jobs.length === 0 ? '' : `, j as (${insertJobsSql(jobs, values)})`;
}

/** The fan-out job of the event `e` just inserted (a CTE of the insert; $10 is the job id). */
const FAN_OUT = `, f as (
  insert into jobs (id, merchant_id, kind, payload, run_at, max_attempts, dedupe_key, created_at, updated_at)
  select $10::text, e.merchant_id, 'webhooks.fanout', jsonb_build_object('event_id', e.id), e.created_at, 10,
         'webhooks.fanout:' || e.id, e.created_at, e.created_at
    from e where exists (select 1 from webhook_endpoints w where w.merchant_id = e.merchant_id and w.enabled)
  on conflict (dedupe_key) do nothing)`;

export async function appendEvent(q: Queryable, e: EventInsert): Promise<EventRow> {
  const values = [
    e.id,
    e.merchantId,
    e.orderId ?? null,
    e.type,
    e.source,
    e.actor,
    JSON.stringify(e.data),
    e.previous ? JSON.stringify(e.previous) : null,
    e.now,
  ];
  if (e.fanOutJobId) values.push(e.fanOutJobId);
  const fanOut = (e.fanOutJobId ? FAN_OUT : '') + jobsCte(e.jobs ?? [], values);
  if (!e.orderId) {
    return (
      await q.query<EventRow>(
        `with e as (insert into events (id, merchant_id, order_id, seq, type, source, actor, data, previous, created_at)
         values ($1, $2, $3, null, $4, $5, $6, $7, $8, $9) returning *)${fanOut}
         select * from e`,
        values,
      )
    )[0]!;
  }
  // One round trip: the order's next sequence number and the event that takes it (the
  // order's row lock orders concurrent events of the same order).
  const row = (
    await q.query<EventRow>(
      `with s as (update orders set event_seq = event_seq + 1 where merchant_id = $2 and id = $3 returning event_seq),
       e as (insert into events (id, merchant_id, order_id, seq, type, source, actor, data, previous, created_at)
       select $1, $2, $3, s.event_seq, $4, $5, $6, $7, $8, $9 from s returning *)${fanOut}
       select * from e`,
      values,
    )
  )[0];
  if (!row) throw new Error(`event for unknown order ${e.orderId}`);
  return row;
}

export async function listEvents(
  q: Queryable,
  merchantId: string,
  f: { type?: string | undefined; orderId?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined; ascending?: boolean },
): Promise<EventRow[]> {
  if (f.orderId) {
    // An order's events are ordered by its sequence number: ids are minted before the
    // order row is locked, so two concurrent changes can commit in the other order.
    const dir = page.ascending ? 'asc' : 'desc';
    const cmp = page.ascending ? '>' : '<';
    return q.query<EventRow>(
      `select * from events where merchant_id = $1 and order_id = $2 and ($3::text is null or type = $3)
         and ($4::text is null or seq ${cmp} (select seq from events where id = $4 and merchant_id = $1))
       order by seq ${dir} limit $5`,
      [merchantId, f.orderId, f.type ?? null, page.startingAfter ?? null, page.limit + 1],
    );
  }
  const dir = page.ascending ? 'asc' : 'desc';
  const cmp = page.ascending ? '>' : '<';
  return q.query<EventRow>(
    `select * from events where merchant_id = $1 and ($2::text is null or type = $2) and ($3::text is null or order_id = $3)
       and ($4::text is null or id ${cmp} $4)
     order by id ${dir} limit $5`,
    [merchantId, f.type ?? null, f.orderId ?? null, page.startingAfter ?? null, page.limit + 1],
  );
}
