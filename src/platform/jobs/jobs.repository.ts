// All SQL of the job queue. Claims take rows with FOR UPDATE SKIP LOCKED inside one
// short statement and hand them out under a lease (locked_until + lease_token): no
// row lock is held while a handler calls the outside world. A lease that runs out
// makes the job claimable again; completing needs the token, so a worker whose
// lease was taken over cannot overwrite the new holder's result.
import { newId } from '../../domain/ids.ts';
import type { Queryable } from '../store/db.ts';

export interface JobRow {
  id: string;
  merchant_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: Date;
  attempts: number;
  max_attempts: number;
  locked_until: Date | null;
  lease_token: string | null;
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  priority: number;
  created_at: Date;
}

export interface EnqueueInput {
  kind: string;
  payload?: Record<string, unknown>;
  merchantId?: string | null;
  runAt: Date;
  maxAttempts?: number;
  /** A job with the same dedupe key is enqueued once (ON CONFLICT DO NOTHING). */
  dedupeKey?: string;
  /** Claimed before lower priorities that are due (0 by default; JOB_PRIORITY.urgent for what a person waits for). */
  priority?: number;
}

/** The lanes: what a customer or a payment is waiting for goes before bulk work (delivery statuses, sweeps). */
export const JOB_PRIORITY = { normal: 0, urgent: 10 } as const;

export async function enqueueJob(q: Queryable, job: EnqueueInput): Promise<string | null> {
  const id = newId('job');
  const rows = await q.query<{ id: string }>(
    `insert into jobs (id, merchant_id, kind, payload, run_at, max_attempts, dedupe_key, priority, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $5, $5)
     on conflict (dedupe_key) do nothing returning id`,
    [id, job.merchantId ?? null, job.kind, JSON.stringify(job.payload ?? {}), job.runAt, job.maxAttempts ?? 10, job.dedupeKey ?? null, job.priority ?? 0],
  );
  return rows[0]?.id ?? null;
}

export async function claimJobs(
  q: Queryable,
  opts: { now: Date; limit: number; leaseMs: number; leaseToken: string; workerId: string; kinds?: string[] },
): Promise<JobRow[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  return q.query<JobRow>(
    `update jobs set status = 'running', locked_until = $2, lease_token = $3, locked_by = $4,
            attempts = attempts + 1, updated_at = $1
      where id in (
        select id from jobs
         where ((status = 'queued' and run_at <= $1) or (status = 'running' and locked_until < $1))
           and ($6::text[] is null or kind = any($6::text[]))
         order by priority desc, run_at, id
         limit $5
         for update skip locked)
      returning *`,
    [opts.now, until, opts.leaseToken, opts.workerId, opts.limit, opts.kinds ?? null],
  );
}

export async function completeJob(q: Queryable, id: string, leaseToken: string, now: Date): Promise<boolean> {
  const rows = await q.query(
    `update jobs set status = 'done', done_at = $3, updated_at = $3, locked_until = null, lease_token = null, last_error = null
      where id = $1 and lease_token = $2 and status = 'running' returning id`,
    [id, leaseToken, now],
  );
  return rows.length === 1;
}

export async function failJob(q: Queryable, id: string, leaseToken: string, opts: { now: Date; error: string; retryAt: Date | null }): Promise<boolean> {
  const rows = await q.query(
    `update jobs set status = case when $4::timestamptz is null then 'dead' else 'queued' end,
            run_at = coalesce($4::timestamptz, run_at), last_error = $3, updated_at = $5,
            locked_until = null, lease_token = null
      where id = $1 and lease_token = $2 and status = 'running' returning id`,
    [id, leaseToken, opts.error.slice(0, 2000), opts.retryAt, opts.now],
  );
  return rows.length === 1;
}

/** Puts a job back to wait until runAt without counting the attempt it just used. */
export async function deferJob(q: Queryable, id: string, leaseToken: string, opts: { now: Date; runAt: Date; reason: string }): Promise<boolean> {
  const rows = await q.query(
    `update jobs set status = 'queued', run_at = $3, attempts = greatest(attempts - 1, 0), last_error = $4, updated_at = $5,
            locked_until = null, lease_token = null
      where id = $1 and lease_token = $2 and status = 'running' returning id`,
    [id, leaseToken, opts.runAt, `deferred: ${opts.reason}`.slice(0, 2000), opts.now],
  );
  return rows.length === 1;
}

/**
 * Hands a claimed job back before its lease runs out (a worker shutting down): queued and
 * claimable at once, the attempt it used still counted (as when a lease runs out).
 */
export async function releaseJob(q: Queryable, id: string, leaseToken: string, opts: { now: Date; reason: string }): Promise<boolean> {
  const rows = await q.query(
    `update jobs set status = 'queued', run_at = least(run_at, $3), last_error = $4, updated_at = $3,
            locked_until = null, lease_token = null
      where id = $1 and lease_token = $2 and status = 'running' returning id`,
    [id, leaseToken, opts.now, `released: ${opts.reason}`.slice(0, 2000)],
  );
  return rows.length === 1;
}

/** Wakes deferred jobs early (e.g. a paused number's sends once its token is updated). */
export async function runJobsNow(q: Queryable, filter: { kind: string; merchantId: string }, now: Date): Promise<number> {
  return (
    await q.query(`update jobs set run_at = $3 where kind = $1 and merchant_id = $2 and status = 'queued' and run_at > $3 returning id`, [
      filter.kind,
      filter.merchantId,
      now,
    ])
  ).length;
}

/** Extends a lease for a handler that is still working (heartbeat). */
export async function extendLease(q: Queryable, id: string, leaseToken: string, until: Date): Promise<boolean> {
  const rows = await q.query(`update jobs set locked_until = $3 where id = $1 and lease_token = $2 and status = 'running' returning id`, [
    id,
    leaseToken,
    until,
  ]);
  return rows.length === 1;
}

export async function queueStats(q: Queryable, now: Date): Promise<{ status: string; count: number; oldest_seconds: number }[]> {
  const rows = await q.query<{ status: string; count: number; oldest: Date | null }>(
    `select status, count(*)::int as count, min(run_at) as oldest from jobs
      where status in ('queued', 'running', 'dead') group by status`,
  );
  return rows.map((r) => ({
    status: r.status,
    count: r.count,
    oldest_seconds: r.oldest && r.status !== 'dead' ? Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000) : 0,
  }));
}

export async function getJob(q: Queryable, id: string): Promise<JobRow | undefined> {
  return (await q.query<JobRow>(`select * from jobs where id = $1`, [id]))[0];
}

export async function listJobs(q: Queryable, filter: { kind?: string; status?: string } = {}): Promise<JobRow[]> {
  return q.query<JobRow>(`select * from jobs where ($1::text is null or kind = $1) and ($2::text is null or status = $2) order by id`, [
    filter.kind ?? null,
    filter.status ?? null,
  ]);
}

/**
 * The statement that inserts `jobs` (once per dedupe key), its parameters appended to
 * `params` (which may already hold others': it is also a CTE of the event log's insert).
 */
export function insertJobsSql(jobs: readonly EnqueueInput[], params: unknown[]): string {
  const rows = jobs.map((j) => {
    params.push(
      newId('job'),
      j.merchantId ?? null,
      j.kind,
      JSON.stringify(j.payload ?? {}),
      j.runAt,
      j.maxAttempts ?? 10,
      j.dedupeKey ?? null,
      j.priority ?? 0,
    );
    const b = params.length - 8;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 5}, $${b + 5})`;
  });
  return `insert into jobs (id, merchant_id, kind, payload, run_at, max_attempts, dedupe_key, priority, created_at, updated_at)
     values ${rows.join(', ')} on conflict (dedupe_key) do nothing`;
}

/** Many jobs in one statement (the webhook intake enqueues one per stored body). */
export async function enqueueJobs(q: Queryable, jobs: EnqueueInput[]): Promise<void> {
  if (jobs.length === 0) return;
  const params: unknown[] = [];
  await q.query(insertJobsSql(jobs, params), params);
}
