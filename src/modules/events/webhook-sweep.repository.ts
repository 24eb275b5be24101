// SQL of the stranded-delivery sweep: pending deliveries whose next attempt is due but
// whose attempt job is gone (deleted, or dead after the runner gave up on crashes).
// A delivery's attempt job has a unique dedupe key (webhooks.deliver:<id>:<round>.<attempt>),
// so "is there a live job" is one indexed lookup, and reviving that same row keeps one
// job per attempt however many sweeps run at once.
import type { Queryable } from '../../platform/store/db.ts';
import type { DeliveryRow } from './webhook-deliveries.repository.ts';

export interface StrandedDelivery extends DeliveryRow {
  job_id: string | null;
  job_status: string | null;
  /** How many times a sweep already revived this attempt's job. */
  job_sweeps: number;
}

/** Across merchants (the sweep is a system job), oldest due first; rows are locked so two sweeps do not both act. */
export async function listStrandedDeliveries(q: Queryable, now: Date, limit: number): Promise<StrandedDelivery[]> {
  return q.query<StrandedDelivery>(
    `select d.*, j.id as job_id, j.status as job_status, coalesce((j.payload->>'sweeps')::int, 0) as job_sweeps
       from webhook_deliveries d
       left join jobs j on j.dedupe_key = 'webhooks.deliver:' || d.id || ':' || d.round || '.' || (d.attempts + 1)
      where d.status = 'pending' and d.next_attempt_at <= $1
        and (j.id is null or j.status in ('dead', 'done'))
      order by d.next_attempt_at, d.id
      limit $2
      for update of d skip locked`,
    [now, limit],
  );
}

/** Puts a dead (or finished) attempt job back in the queue, counting the revival in its payload. */
export async function reviveJob(q: Queryable, jobId: string, now: Date): Promise<boolean> {
  const rows = await q.query(
    `update jobs set status = 'queued', run_at = $2, attempts = 0, locked_until = null, lease_token = null, locked_by = null, done_at = null,
            payload = payload || jsonb_build_object('sweeps', coalesce((payload->>'sweeps')::int, 0) + 1),
            last_error = 'revived by the delivery sweep' || coalesce(': ' || last_error, ''), updated_at = $2
      where id = $1 and status in ('dead', 'done') returning id`,
    [jobId, now],
  );
  return rows.length === 1;
}
