// The worker loop: claim a batch under a lease, run each handler with no database
// lock held, then complete or reschedule it. Delivery is at least once (a crash
// after the effect and before `complete` runs the job again), so every handler
// must be idempotent.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../ports.ts';
import type { Db } from '../store/db.ts';
import { claimJobs, completeJob, deferJob, extendLease, failJob, releaseJob, type JobRow } from './jobs.repository.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type BackoffPolicy } from './backoff.ts';

export type JobHandler = (job: JobRow) => Promise<void>;

import { DeferJob, PermanentJobError } from './job-errors.ts';

export { DeferJob, PermanentJobError };

export interface RunnerOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  handlers: Record<string, JobHandler>;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  workerId?: string;
  backoff?: BackoffPolicy;
  onOutcome?: (kind: string, outcome: 'done' | 'retry' | 'dead' | 'lost' | 'deferred') => void;
}

/** A job this runner is working on: its lease, the heartbeat that keeps it, and when it ends. */
interface Held {
  job: JobRow;
  leaseToken: string;
  heartbeat: NodeJS.Timeout;
  done: Promise<void>;
}

export class JobRunner {
  private running = false;
  /** Set by stop(): a batch claimed after it is handed back, not run. */
  private stopping = false;
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up came since the last claim began: a claim that found nothing must look again, not sleep. */
  private woken = false;
  readonly workerId: string;

  constructor(private readonly o: RunnerOptions) {
    this.workerId = o.workerId ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** A hint that work was just enqueued; polling stays the fallback. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Stops claiming and waits up to `graceMs` for the jobs being run. Those still running
   * then are handed back (queued again, lease cleared) so another worker, or this one
   * after a restart, takes them at once instead of after their lease runs out; a late
   * finish of such a job is then refused by its stale lease token, like any lost lease.
   * Handlers are idempotent, so running one again is safe. Returns how many were handed back.
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<{ released: number }> {
    this.running = false;
    this.stopping = true;
    this.wake();
    const idle = Promise.all([this.loop, ...[...this.held.values()].map((h) => h.done)]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const finished = Number.isFinite(graceMs)
      ? await Promise.race([idle, new Promise<false>((r) => (timer = setTimeout(() => r(false), Math.max(0, graceMs))))])
      : await idle;
    clearTimeout(timer);
    if (finished && this.held.size === 0) return { released: 0 };
    const still = [...this.held.values()];
    await Promise.all(still.map((h) => this.release(h, 'the worker shut down before it finished')));
    return { released: still.length };
  }

  /** Claims and runs one batch; returns how many jobs it ran. Tests call this directly. */
  async runOnce(limit = this.o.concurrency): Promise<number> {
    const leaseToken = crypto.randomUUID();
    const jobs = await claimJobs(this.o.db, {
      now: this.o.clock.now(),
      limit,
      leaseMs: this.o.leaseMs,
      leaseToken,
      workerId: this.workerId,
      kinds: Object.keys(this.o.handlers),
    });
    if (this.stopping) {
      // Claimed while stop() began: hand the batch back untouched rather than start it.
      await Promise.all(jobs.map((j) => this.releaseClaimed(j.id, leaseToken, 'claimed as the worker was shutting down')));
      return 0;
    }
    await Promise.all(jobs.map((j) => this.execute(j, leaseToken)));
    return jobs.length;
  }

  private async release(h: Held, reason: string): Promise<void> {
    clearInterval(h.heartbeat);
    this.held.delete(h.job.id);
    await this.releaseClaimed(h.job.id, h.leaseToken, reason);
    this.o.log.warn({ job: h.job.id, kind: h.job.kind }, 'job released at shutdown: it will run again');
  }

  private async releaseClaimed(id: string, leaseToken: string, reason: string): Promise<void> {
    await releaseJob(this.o.db, id, leaseToken, { now: this.o.clock.now(), reason }).catch((err) =>
      this.o.log.error({ err, job: id }, 'could not release a job lease (it is taken over once the lease runs out)'),
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      // A wake-up while the claim is in flight (its job committed after the claim's snapshot)
      // would otherwise be lost, and the job would wait for the next poll.
      this.woken = false;
      let ran = 0;
      try {
        ran = await this.runOnce();
      } catch (e) {
        this.o.log.error({ err: e }, 'job claim failed');
      }
      if (ran === 0 && this.running && !this.woken) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          this.timer = setTimeout(resolve, this.o.pollMs);
        });
        clearTimeout(this.timer);
        this.wakeUp = undefined;
      }
    }
  }

  private execute(job: JobRow, leaseToken: string): Promise<void> {
    // Keep the lease alive while a slow handler works, so no second worker takes it.
    const heartbeat = setInterval(
      () => {
        const until = new Date(this.o.clock.now().getTime() + this.o.leaseMs);
        extendLease(this.o.db, job.id, leaseToken, until).catch((e) =>
          this.o.log.warn({ err: e, job: job.id, kind: job.kind }, 'could not extend a job lease'),
        );
      },
      Math.max(1000, this.o.leaseMs / 3),
    );
    const h: Held = { job, leaseToken, heartbeat, done: Promise.resolve() };
    this.held.set(job.id, h);
    h.done = this.work(job, leaseToken).finally(() => {
      clearInterval(heartbeat);
      if (this.held.get(job.id) === h) this.held.delete(job.id);
    });
    return h.done;
  }

  private async work(job: JobRow, leaseToken: string): Promise<void> {
    const handler = this.o.handlers[job.kind]!;
    try {
      await handler(job);
      const ok = await completeJob(this.o.db, job.id, leaseToken, this.o.clock.now());
      this.o.onOutcome?.(job.kind, ok ? 'done' : 'lost');
      if (!ok) this.o.log.warn({ job: job.id, kind: job.kind }, 'job lease was lost before completion');
    } catch (e) {
      if (e instanceof DeferJob) {
        await deferJob(this.o.db, job.id, leaseToken, { now: this.o.clock.now(), runAt: e.runAt, reason: e.message }).catch((err) =>
          this.o.log.error({ err, job: job.id }, 'could not defer job'),
        );
        this.o.onOutcome?.(job.kind, 'deferred');
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      const permanent = e instanceof PermanentJobError || job.attempts >= job.max_attempts;
      const now = this.o.clock.now();
      const retryAt = permanent ? null : new Date(now.getTime() + retryDelayMs(job.attempts, this.o.backoff ?? DEFAULT_BACKOFF));
      await failJob(this.o.db, job.id, leaseToken, { now, error: message, retryAt }).catch((err) =>
        this.o.log.error({ err, job: job.id }, 'could not record job failure'),
      );
      this.o.onOutcome?.(job.kind, permanent ? 'dead' : 'retry');
      this.o.log[permanent ? 'error' : 'warn'](
        { job: job.id, kind: job.kind, attempt: job.attempts, err: message },
        permanent ? 'job dead' : 'job failed, will retry',
      );
    }
  }
}
