// Several worker processes on one PostgreSQL: each job runs in one worker at a time,
// and a job held by a worker that dies is taken over once its lease runs out.
// Needs a real PostgreSQL (PGlite is one process by nature); skipped when none answers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, type Db } from '../../src/platform/store/db.ts';
import { getJob } from '../../src/platform/jobs/jobs.repository.ts';
import { enqueueJob } from '../../src/platform/jobs/jobs.repository.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { createSchema, postgresReachable } from '../support/db.ts';
import { spawnReadyWorker, waitFor as waitUntil, type WorkerProcess } from '../support/processes.ts';

// Child processes boot tsx (and PGlite) each time: slow on a loaded machine, so allow
// generous time. Nothing here asserts on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const reachable = await postgresReachable(baseUrl);
if (!reachable) console.warn(`worker-processes: no PostgreSQL at ${baseUrl}; these tests need one and are skipped (set TEST_DATABASE_URL)`);

interface Run {
  job_id: string;
  worker: string;
  phase: 'start' | 'finish';
  at: Date;
}

let schema: { url: string; drop(): Promise<void> } | undefined;
let db: Db | undefined;
const workers: WorkerProcess[] = [];

const spawnWorker = (url: string, name: string) => spawnReadyWorker(workers, 'test/fixtures/worker-process.ts', name, [url, name]);

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000) => waitUntil(what, probe, timeoutMs, 50);

const runsOf = async (jobId?: string) =>
  db!.query<Run>(`select job_id, worker, phase, at from worker_runs where ($1::text is null or job_id = $1) order by at, phase`, [jobId ?? null]);

beforeAll(async () => {
  if (!reachable) return;
  schema = await createSchema(baseUrl);
  db = await openPostgres(schema.url, { max: 4 });
  await migrate(db);
  await db.exec(`create table worker_runs (job_id text not null, worker text not null, phase text not null, at timestamptz not null)`);
  await Promise.all([spawnWorker(schema.url, 'w1'), spawnWorker(schema.url, 'w2')]);
});

afterAll(async () => {
  for (const w of workers) {
    if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  }
  await Promise.all(workers.map((w) => w.exited));
  await db?.close();
  await schema?.drop();
});

describe('worker processes on one PostgreSQL', () => {
  it.skipIf(!reachable)('run each of 200 jobs once, never two workers at the same time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push((await enqueueJob(db!, { kind: 'test.record', runAt: new Date(Date.now() - 1000), payload: { sleep_ms: i % 5 } }))!);
    }
    await waitFor('all 200 jobs done', async () => {
      const r = await db!.query<{ n: number }>(`select count(*)::int as n from jobs where kind = 'test.record' and status = 'done'`);
      return r[0]!.n === 200;
    });

    const runs = await runsOf();
    const byJob = new Map<string, Run[]>();
    for (const r of runs) byJob.set(r.job_id, [...(byJob.get(r.job_id) ?? []), r]);
    expect([...byJob.keys()].sort()).toEqual([...ids].sort());
    for (const [id, rs] of byJob) {
      // Intervals [start, finish] of different workers on one job must not overlap.
      const intervals = new Map<string, { start?: Date; finish?: Date }>();
      for (const r of rs) intervals.set(r.worker, { ...intervals.get(r.worker), [r.phase]: r.at });
      const list = [...intervals.entries()];
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i]![1];
          const b = list[j]![1];
          const overlap = a.start! < (b.finish ?? new Date(8.64e15)) && b.start! < (a.finish ?? new Date(8.64e15));
          expect(overlap, `job ${id} ran in ${list[i]![0]} and ${list[j]![0]} at once`).toBe(false);
        }
      }
      // With leases far longer than these jobs, each ran exactly once.
      expect(rs.map((r) => r.phase)).toEqual(['start', 'finish']);
    }
    const jobs = await db!.query<{ status: string; attempts: number; locked_by: string }>(
      `select status, attempts, locked_by from jobs where kind = 'test.record'`,
    );
    expect(jobs.every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
    // Both processes took part.
    const workersSeen = new Set(runs.map((r) => r.worker));
    expect(workersSeen).toEqual(new Set(['w1', 'w2']));
  });

  it.skipIf(!reachable)('hands the job of a killed worker to the other once the lease expires', async () => {
    const id = (await enqueueJob(db!, { kind: 'test.record', runAt: new Date(Date.now() - 1000), payload: { sleep_ms: 3000 } }))!;
    const started = await waitFor('the long job to start', async () => (await runsOf(id)).find((r) => r.phase === 'start'));
    const victim = workers.find((w) => w.name === started.worker)!;
    const survivor = workers.find((w) => w.name !== started.worker && w.proc.exitCode === null)!;
    expect(victim).toBeDefined();
    expect(survivor).toBeDefined();

    victim.proc.kill('SIGKILL');
    await victim.exited;
    await new Promise((r) => setTimeout(r, 100));
    const held = (await getJob(db!, id))!;
    expect(held.status).toBe('running');
    expect(held.locked_by).toBe(victim.name);
    const leaseEnd = held.locked_until!;

    const done = await waitFor('the survivor to finish the job', async () => {
      const j = (await getJob(db!, id))!;
      return j.status === 'done' ? j : undefined;
    });
    expect(done.attempts).toBe(2);
    expect(done.locked_by).toBe(survivor.name);

    const runs = await runsOf(id);
    const victimRuns = runs.filter((r) => r.worker === victim.name);
    const survivorRuns = runs.filter((r) => r.worker === survivor.name);
    expect(victimRuns.map((r) => r.phase)).toEqual(['start']); // killed mid-job
    expect(survivorRuns.map((r) => r.phase)).toEqual(['start', 'finish']);
    // The survivor started only after the dead worker's lease had run out.
    expect(survivorRuns[0]!.at.getTime()).toBeGreaterThan(leaseEnd.getTime());
  });
});
