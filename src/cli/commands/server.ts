import type { Config } from '../../config.ts';
import { consoleBuilt, ensureConsoleBuilt } from '../../modules/console/index.ts';
import { jobHandlers, scheduleMaintenance } from '../../composition/job-handlers.ts';
import { JobRunner } from '../../platform/jobs/runner.ts';
import { startServer } from '../../main.ts';
import { openCliContext } from '../context.ts';

/**
 * SIGINT/SIGTERM stop gracefully within CHATCART_SHUTDOWN_SECONDS, then exit 0; a second
 * signal, a failed stop, or a stop still running 2 s past the grace exits 1 at once.
 */
function onSignals(cfg: Config, stop: (graceMs: number) => Promise<void>) {
  const graceMs = cfg.CHATCART_SHUTDOWN_SECONDS * 1000;
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(1);
      stopping = true;
      setTimeout(() => {
        process.stderr.write(`chatcart: still stopping ${graceMs / 1000 + 2} s after ${sig}; exiting now\n`);
        process.exit(1);
      }, graceMs + 2000).unref();
      stop(graceMs).then(
        () => process.exit(0),
        (e) => {
          process.stderr.write(`chatcart: could not stop cleanly: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

export async function runStart(cfg: Config): Promise<number> {
  // The console's bundle is built on install (`prepare`); only a missing one is built here.
  if (!consoleBuilt()) {
    process.stdout.write('Building the console (console/dist is missing)…\n');
    const built = ensureConsoleBuilt({ quiet: true });
    if (built === 'no_vite') process.stdout.write('The console cannot be built without the dev dependencies (npm install): /console says so.\n');
    if (built === 'failed') process.stdout.write('The console build failed: /console says so; run npm run console:build to see why.\n');
  }
  const s = await startServer(cfg);
  const lines = [`chatcart ${cfg.CHATCART_MODE} mode, listening on ${s.url} (${s.ctx.db.describe})`];
  if (s.demo) {
    lines.push(
      '',
      'Created a demo merchant with a small catalog. Its API key is shown only this once:',
      '',
      `  merchant: ${s.demo.merchantId}`,
      `  api key:  ${s.demo.apiKey}`,
      '',
      `Its owner (${s.demo.ownerEmail}) signs in to the console through this one-time link (valid 72 hours; a new one: chatcart users reset-password --email ${s.demo.ownerEmail}):`,
      '',
      `  console:  ${s.demo.consoleLink}`,
      '',
      'Try it:',
      `  open ${s.url}/sandbox/phone to chat with the shop as a customer: send a cart, pay the bill, watch the updates`,
      `  curl -s ${s.url}/v1/products -H "Authorization: Bearer ${s.demo.apiKey}"`,
      `  open ${s.url}/ for what is running and where to go next`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  onSignals(cfg, (graceMs) => s.close({ graceMs }));
  return -1;
}

export async function runWorker(cfg: Config): Promise<number> {
  const ctx = await openCliContext(cfg);
  const runner = new JobRunner({
    db: ctx.db,
    clock: ctx.clock,
    log: ctx.log,
    handlers: jobHandlers(ctx),
    concurrency: cfg.CHATCART_WORKER_CONCURRENCY,
    leaseMs: cfg.CHATCART_JOB_LEASE_SECONDS * 1000,
    pollMs: cfg.CHATCART_POLL_MS,
  });
  await scheduleMaintenance(ctx, ctx.clock.now());
  runner.start();
  process.stderr.write(`chatcart worker ${runner.workerId} running on ${ctx.db.describe}\n`);
  onSignals(cfg, async (graceMs) => {
    const { released } = await runner.stop(graceMs);
    if (released > 0) ctx.log.warn({ released }, 'shutdown: jobs still running were handed back');
    await ctx.close();
  });
  return -1;
}

export async function runMigrate(cfg: Config): Promise<number> {
  // Opening the store applies pending migrations.
  const ctx = await openCliContext(cfg);
  process.stdout.write(`migrated ${ctx.db.describe}\n`);
  await ctx.close();
  return 0;
}
