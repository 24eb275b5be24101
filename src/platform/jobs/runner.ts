// The worker loop: claim a batch under a lease, run each handler with no database
// lock held, then complete or reschedule it. Delivery is at least once (a crash
// after the effect and before `complete` runs the job again), so every handler
// must be idempotent.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../ports.ts';
import type { Db } from '../store/db.ts';
import { claimJobs, completeJob, deferJob, extendLease, failJob, type JobRow } from './jobs.repository.ts';
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

export class JobRunner {
  private running = false;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  readonly workerId: string;

  constructor(private readonly o: RunnerOptions) {
    this.workerId = o.workerId ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** A hint that work was just enqueued; polling stays the fallback. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
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
    await Promise.all(jobs.map((j) => this.execute(j, leaseToken)));
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let ran = 0;
      try {
        ran = await this.runOnce();
      } catch (e) {
        this.o.log.error({ err: e }, 'job claim failed');
      }
      if (ran === 0 && this.running) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          this.timer = setTimeout(resolve, this.o.pollMs);
        });
        clearTimeout(this.timer);
        this.wakeUp = undefined;
      }
    }
  }

  private async execute(job: JobRow, leaseToken: string): Promise<void> {
    this.inFlight++;
    const handler = this.o.handlers[job.kind]!;
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
    } finally {
      clearInterval(heartbeat);
      this.inFlight--;
    }
  }
}
