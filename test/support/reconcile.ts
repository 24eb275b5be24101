// Reconciliation imports run in a job: these helpers run only that job kind (other queued
// work, such as a webhook a test holds back on purpose, stays queued) and read the run once
// it has ended.
import { reconciliationJobHandlers } from '../../src/modules/reconciliation/index.ts';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import type { TestServer } from './server.ts';

type Answer = { status: number; body: any; headers: Headers };

/** Runs queued reconciliation import jobs until there are none; returns how many ran. */
export async function runImports(s: TestServer, max = 100): Promise<number> {
  const runner = new JobRunner({
    db: s.ctx.db,
    clock: s.ctx.clock,
    log: s.ctx.log,
    handlers: reconciliationJobHandlers(s.ctx),
    concurrency: 1,
    leaseMs: 60_000,
    pollMs: 1000,
  });
  let ran = 0;
  for (let i = 0; i < max; i++) {
    const n = await runner.runOnce(5);
    if (n === 0) return ran;
    ran += n;
  }
  return ran;
}

/**
 * An import's answer with its run read again after the import jobs ran: the status stays the
 * POST's (202 new, 200 existing), the body is the run as it ended. Other answers as they are.
 */
export async function settled(s: TestServer, r: Answer, key?: string): Promise<Answer> {
  if ((r.status !== 202 && r.status !== 200) || r.body?.object !== 'reconciliation') return r;
  await runImports(s);
  const run = await s.api(`/v1/reconciliations/${r.body.id}`, key ? { key } : {});
  return { ...r, body: run.body };
}
