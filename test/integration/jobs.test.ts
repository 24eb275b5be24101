// The job queue on the test database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
// claims, leases, retries and the runner, all with explicit times.
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { DEFAULT_BACKOFF } from '../../src/platform/jobs/backoff.ts';
import { JobRunner, PermanentJobError, type JobHandler } from '../../src/platform/jobs/runner.ts';
import { claimJobs, completeJob, enqueueJob, failJob, getJob, JOB_PRIORITY, listJobs, type JobRow } from '../../src/platform/jobs/jobs.repository.ts';
import { openTestDb, type TestDb } from '../support/db.ts';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  await db.query(`delete from jobs`);
});

const T0 = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const claim = (now: Date, token: string, extra: { limit?: number; leaseMs?: number; kinds?: string[] } = {}) =>
  claimJobs(db, {
    now,
    limit: extra.limit ?? 10,
    leaseMs: extra.leaseMs ?? 1000,
    leaseToken: token,
    workerId: `w-${token}`,
    ...(extra.kinds ? { kinds: extra.kinds } : {}),
  });

function runner(clock: ManualClock, handlers: Record<string, JobHandler>, extra: { workerId?: string; concurrency?: number; leaseMs?: number } = {}) {
  return new JobRunner({
    db,
    clock,
    log: pino({ level: 'silent' }),
    handlers,
    concurrency: extra.concurrency ?? 4,
    leaseMs: extra.leaseMs ?? 60_000,
    pollMs: 50,
    ...(extra.workerId ? { workerId: extra.workerId } : {}),
  });
}

describe('enqueue', () => {
  it('enqueues a job with a dedupe key once', async () => {
    const first = await enqueueJob(db, { kind: 'test.a', runAt: T0, dedupeKey: 'same', payload: { n: 1 } });
    const second = await enqueueJob(db, { kind: 'test.a', runAt: T0, dedupeKey: 'same', payload: { n: 2 } });
    expect(first).toMatch(/^job_/);
    expect(second).toBeNull();
    const jobs = await listJobs(db, { kind: 'test.a' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toEqual({ n: 1 });
    expect(jobs[0]!.status).toBe('queued');
    expect(jobs[0]!.attempts).toBe(0);
  });

  it('enqueues jobs without a dedupe key every time', async () => {
    await enqueueJob(db, { kind: 'test.a', runAt: T0 });
    await enqueueJob(db, { kind: 'test.a', runAt: T0 });
    expect(await listJobs(db, { kind: 'test.a' })).toHaveLength(2);
  });
});

describe('claim and lease', () => {
  it('claims a job only once its run_at has come', async () => {
    const id = await enqueueJob(db, { kind: 'test.a', runAt: at(10_000) });
    expect(await claim(at(0), 'a')).toEqual([]);
    expect(await claim(at(9_999), 'b')).toEqual([]);
    const got = await claim(at(10_000), 'c');
    expect(got.map((j) => j.id)).toEqual([id]);
    expect(got[0]!.status).toBe('running');
    expect(got[0]!.attempts).toBe(1);
    expect(got[0]!.lease_token).toBe('c');
    expect(got[0]!.locked_by).toBe('w-c');
    expect(got[0]!.locked_until).toEqual(at(11_000));
  });

  it('claims in run_at order and honours the limit and the kinds', async () => {
    const late = await enqueueJob(db, { kind: 'test.a', runAt: at(-1000) });
    const early = await enqueueJob(db, { kind: 'test.a', runAt: at(-2000) });
    const other = await enqueueJob(db, { kind: 'test.b', runAt: at(-3000) });
    expect((await claim(at(0), 'a', { limit: 1, kinds: ['test.a'] })).map((j) => j.id)).toEqual([early]);
    expect((await claim(at(0), 'b', { kinds: ['test.a'] })).map((j) => j.id)).toEqual([late]);
    expect((await claim(at(0), 'c')).map((j) => j.id)).toEqual([other]);
  });

  it('claims the urgent lane first, oldest first within a lane; a job not yet due waits whatever its priority', async () => {
    const oldBulk = await enqueueJob(db, { kind: 'test.a', runAt: at(-5000) });
    const newBulk = await enqueueJob(db, { kind: 'test.a', runAt: at(-1000) });
    const urgent = await enqueueJob(db, { kind: 'test.a', runAt: at(-500), priority: JOB_PRIORITY.urgent });
    const urgentOlder = await enqueueJob(db, { kind: 'test.a', runAt: at(-600), priority: JOB_PRIORITY.urgent });
    await enqueueJob(db, { kind: 'test.a', runAt: at(60_000), priority: JOB_PRIORITY.urgent });
    expect((await claim(at(0), 'a', { limit: 3 })).map((j) => j.id).sort()).toEqual([urgentOlder, urgent, oldBulk].sort());
    expect((await claim(at(0), 'b')).map((j) => j.id)).toEqual([newBulk]);
  });

  it('does not hand a leased job out again until the lease expires; the old holder then cannot complete it', async () => {
    const id = (await enqueueJob(db, { kind: 'test.a', runAt: T0 }))!;
    const [first] = await claim(at(0), 'old', { leaseMs: 1000 });
    expect(first!.id).toBe(id);
    expect(await claim(at(500), 'x')).toEqual([]);
    expect(await claim(at(1000), 'y')).toEqual([]); // the lease runs until locked_until inclusive
    const [second] = await claim(at(1001), 'new', { leaseMs: 1000 });
    expect(second!.id).toBe(id);
    expect(second!.attempts).toBe(2);
    expect(second!.lease_token).toBe('new');

    expect(await completeJob(db, id, 'old', at(1002))).toBe(false);
    expect((await getJob(db, id))!.status).toBe('running');
    expect(await completeJob(db, id, 'new', at(1003))).toBe(true);
    const done = (await getJob(db, id))!;
    expect(done.status).toBe('done');
    expect(done.lease_token).toBeNull();
    expect(done.locked_until).toBeNull();
    // Completing twice, or after the fact with the old token, changes nothing.
    expect(await completeJob(db, id, 'new', at(1004))).toBe(false);
    expect(await completeJob(db, id, 'old', at(1004))).toBe(false);
    expect(await claim(at(100_000), 'z')).toEqual([]);
  });

  it('failJob reschedules with a later run_at, and goes dead without one', async () => {
    const id = (await enqueueJob(db, { kind: 'test.a', runAt: T0, maxAttempts: 2 }))!;
    await claim(at(0), 't1');
    expect(await failJob(db, id, 'wrong-token', { now: at(1), error: 'nope', retryAt: at(5000) })).toBe(false);
    expect(await failJob(db, id, 't1', { now: at(1), error: 'boom', retryAt: at(5000) })).toBe(true);
    let row = (await getJob(db, id))!;
    expect(row.status).toBe('queued');
    expect(row.run_at).toEqual(at(5000));
    expect(row.last_error).toBe('boom');
    expect(row.lease_token).toBeNull();
    expect(await claim(at(4999), 'early')).toEqual([]);
    const [again] = await claim(at(5000), 't2');
    expect(again!.attempts).toBe(2);
    expect(await failJob(db, id, 't2', { now: at(5001), error: 'boom again', retryAt: null })).toBe(true);
    row = (await getJob(db, id))!;
    expect(row.status).toBe('dead');
    expect(row.last_error).toBe('boom again');
    expect(await claim(at(10_000_000), 't3')).toEqual([]);
  });

  it('keeps long error messages to 2000 characters', async () => {
    const id = (await enqueueJob(db, { kind: 'test.a', runAt: T0 }))!;
    await claim(at(0), 't');
    await failJob(db, id, 't', { now: at(1), error: 'x'.repeat(5000), retryAt: null });
    expect((await getJob(db, id))!.last_error).toHaveLength(2000);
  });
});

describe('JobRunner', () => {
  it('marks a job done after its handler succeeds', async () => {
    const clock = new ManualClock(T0);
    const seen: JobRow[] = [];
    const r = runner(clock, { 'test.ok': async (j) => void seen.push(j) });
    const id = (await enqueueJob(db, { kind: 'test.ok', runAt: T0, payload: { hello: 'world' } }))!;
    expect(await r.runOnce()).toBe(1);
    expect(seen.map((j) => [j.id, j.payload])).toEqual([[id, { hello: 'world' }]]);
    const row = (await getJob(db, id))!;
    expect(row.status).toBe('done');
    expect(row.attempts).toBe(1);
    expect(await r.runOnce()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('reschedules a job whose handler throws, per the backoff', async () => {
    const clock = new ManualClock(T0);
    let calls = 0;
    const r = runner(clock, {
      'test.flaky': async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
    });
    const id = (await enqueueJob(db, { kind: 'test.flaky', runAt: T0, maxAttempts: 3 }))!;
    await r.runOnce();
    let row = (await getJob(db, id))!;
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBe('failure 1');
    // Attempt 1 waits between base/2 and base.
    const d1 = row.run_at.getTime() - T0.getTime();
    expect(d1).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.baseMs / 2);
    expect(d1).toBeLessThanOrEqual(DEFAULT_BACKOFF.baseMs);
    expect(await r.runOnce()).toBe(0); // not before run_at

    clock.set(row.run_at);
    expect(await r.runOnce()).toBe(1);
    row = (await getJob(db, id))!;
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(2);
    const d2 = row.run_at.getTime() - clock.now().getTime();
    expect(d2).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.baseMs);
    expect(d2).toBeLessThanOrEqual(DEFAULT_BACKOFF.baseMs * 2);

    // The last allowed attempt fails: dead, not rescheduled.
    clock.set(row.run_at);
    expect(await r.runOnce()).toBe(1);
    row = (await getJob(db, id))!;
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('failure 3');
    clock.advance(24 * 3600_000);
    expect(await r.runOnce()).toBe(0);
    expect(calls).toBe(3);
  });

  it('sends a job to dead at once on PermanentJobError', async () => {
    const clock = new ManualClock(T0);
    const r = runner(clock, {
      'test.perm': async () => {
        throw new PermanentJobError('cannot ever work');
      },
    });
    const id = (await enqueueJob(db, { kind: 'test.perm', runAt: T0, maxAttempts: 10 }))!;
    await r.runOnce();
    const row = (await getJob(db, id))!;
    expect(row.status).toBe('dead');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBe('cannot ever work');
  });

  it('never claims kinds it has no handler for', async () => {
    const clock = new ManualClock(T0);
    const r = runner(clock, { 'test.ok': async () => {} });
    const foreign = (await enqueueJob(db, { kind: 'bill.send', runAt: T0 }))!;
    const mine = (await enqueueJob(db, { kind: 'test.ok', runAt: T0 }))!;
    clock.advance(60_000);
    expect(await r.runOnce()).toBe(1);
    expect(await r.runOnce()).toBe(0);
    const row = (await getJob(db, foreign))!;
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(0);
    expect(row.lease_token).toBeNull();
    expect((await getJob(db, mine))!.status).toBe('done');
  });

  it('two runners on one database run each of 200 jobs exactly once', async () => {
    const clock = new ManualClock(T0);
    const executions: { id: string; worker: string }[] = [];
    const handler =
      (worker: string): JobHandler =>
      async (job) => {
        executions.push({ id: job.id, worker });
        await new Promise((r) => setImmediate(r));
      };
    const a = runner(clock, { 'test.many': handler('a') }, { workerId: 'a', concurrency: 7 });
    const b = runner(clock, { 'test.many': handler('b') }, { workerId: 'b', concurrency: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await enqueueJob(db, { kind: 'test.many', runAt: T0, payload: { i } }))!);

    const drain = async (r: JobRunner) => {
      let idle = 0;
      let rounds = 0;
      while (idle < 3 && rounds++ < 500) idle = (await r.runOnce()) === 0 ? idle + 1 : 0;
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);

    const counts = new Map<string, number>();
    for (const e of executions) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    expect(executions).toHaveLength(200);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const rows = await listJobs(db, { kind: 'test.many' });
    expect(rows.every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
  });

  it('start() runs jobs in the background until stop()', async () => {
    const clock = new ManualClock(T0);
    const done: string[] = [];
    const r = runner(clock, { 'test.bg': async (j) => void done.push(j.id) });
    const id = (await enqueueJob(db, { kind: 'test.bg', runAt: T0 }))!;
    r.start();
    for (let i = 0; i < 3000 && (await getJob(db, id))!.status !== 'done'; i++) await new Promise((res) => setTimeout(res, 20));
    await r.stop();
    expect(done).toEqual([id]);
    expect((await getJob(db, id))!.status).toBe('done');
  });

  it('stop(grace) waits for a job that finishes within the grace', async () => {
    const clock = new ManualClock(T0);
    let started = false;
    const r = runner(clock, {
      'test.slow': async () => {
        started = true;
        await new Promise((res) => setTimeout(res, 150));
      },
    });
    const id = (await enqueueJob(db, { kind: 'test.slow', runAt: T0 }))!;
    r.start();
    for (let i = 0; i < 3000 && !started; i++) await new Promise((res) => setTimeout(res, 10));
    expect(await r.stop(5_000)).toEqual({ released: 0 });
    expect((await getJob(db, id))!.status).toBe('done');
  });

  it('a wake-up that comes while a claim is in flight is not lost: the runner looks again instead of sleeping until the next poll', async () => {
    const clock = new ManualClock(T0);
    // The claim's answer is held until the job below is enqueued and the runner woken: the
    // claim saw no job (its snapshot came first), and the wake-up came while it was in flight.
    let claims = 0;
    let heldClaim: (() => void) | undefined;
    const gate = new Promise<void>((res) => (heldClaim = res));
    const slowClaims: TestDb = {
      ...db,
      query: async <T>(sql: string, params?: readonly unknown[]) => {
        const rows = await db.query<T>(sql, params);
        if (/^update jobs set status = 'running'/.test(sql.trim()) && ++claims === 1) await gate;
        return rows;
      },
    };
    const ran: string[] = [];
    const r = new JobRunner({
      db: slowClaims,
      clock,
      log: pino({ level: 'silent' }),
      handlers: { 'test.woken': async (job) => void ran.push(job.id) },
      concurrency: 4,
      leaseMs: 60_000,
      pollMs: 3_600_000, // only a wake-up can start the next claim within this test
    });
    r.start();
    for (let i = 0; i < 3000 && claims === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(claims).toBe(1);
    const id = (await enqueueJob(db, { kind: 'test.woken', runAt: T0 }))!;
    r.wake();
    heldClaim!();
    for (let i = 0; i < 3000 && ran.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    await r.stop();
    expect(ran).toEqual([id]);
  });

  it('stop(grace) hands back a job still running after the grace: queued at once, no lease, and its late finish is refused', async () => {
    const clock = new ManualClock(T0);
    let started = false;
    let finish: () => void = () => {};
    const outcomes: string[] = [];
    const r = new JobRunner({
      db,
      clock,
      log: pino({ level: 'silent' }),
      handlers: {
        'test.stuck': () => {
          started = true;
          return new Promise<void>((res) => (finish = res));
        },
      },
      concurrency: 4,
      leaseMs: 60_000,
      pollMs: 50,
      onOutcome: (_kind, outcome) => outcomes.push(outcome),
    });
    const id = (await enqueueJob(db, { kind: 'test.stuck', runAt: T0 }))!;
    r.start();
    for (let i = 0; i < 3000 && !started; i++) await new Promise((res) => setTimeout(res, 10));
    expect((await getJob(db, id))!.status).toBe('running');

    const t0 = Date.now();
    expect(await r.stop(100)).toEqual({ released: 1 });
    expect(Date.now() - t0).toBeLessThan(30_000);
    const released = (await getJob(db, id))!;
    expect(released).toMatchObject({ status: 'queued', lease_token: null, locked_until: null, attempts: 1 });
    expect(released.last_error).toMatch(/^released: /);
    // Another worker takes it at once, not when the 60 s lease would have run out.
    expect((await claim(T0, 'other')).map((j) => j.id)).toEqual([id]);

    // The first worker's handler finishes late: its stale lease cannot complete the job.
    finish();
    for (let i = 0; i < 3000 && outcomes.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(outcomes).toEqual(['lost']);
    expect((await getJob(db, id))!).toMatchObject({ status: 'running', lease_token: 'other' });
  });

  it('a batch claimed while stop() begins is handed back, not run', async () => {
    const clock = new ManualClock(T0);
    const ran: string[] = [];
    const r = runner(clock, { 'test.late': async (j) => void ran.push(j.id) });
    const id = (await enqueueJob(db, { kind: 'test.late', runAt: T0 }))!;
    await r.stop(0);
    expect(await r.runOnce()).toBe(0);
    expect(ran).toEqual([]);
    expect((await getJob(db, id))!).toMatchObject({ status: 'queued', lease_token: null });
  });
});
