// Composition root: builds the ports once (store, clock, secrets, logger), then the
// HTTP app and the job workers, in one process.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { systemClock } from './adapters/clock/clock.ts';
import type { AppContext } from './platform/context.ts';
import type { Clock } from './platform/ports.ts';
import { bootstrapSandbox } from './composition/onboarding.ts';
import type { Config } from './config.ts';
import { buildHttpApp, closeHttpApp, type App } from './platform/http/app.ts';
import { contextFromConfig } from './composition/context.ts';
import { openDbFromConfig, secretBoxFor } from './composition/ports.ts';
import { OPENAPI_TAGS, registerRoutes } from './composition/routes.ts';
import { authenticate } from './modules/merchants/index.ts';
import { authenticateSession, prepareDummyHash } from './modules/users/index.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { jobHandlers, scheduleMaintenance } from './composition/job-handlers.ts';
import { JobRunner } from './platform/jobs/runner.ts';
import { createLogger } from './platform/logger.ts';
import { ownOriginsOf } from './platform/own-origins.ts';
import type { Db } from './platform/store/db.ts';

export interface Running {
  app: App;
  ctx: AppContext;
  runner: JobRunner;
  url: string;
  /** The first sandbox start's demo merchant: its API key and its owner's one-time console link. */
  demo: { merchantId: string; apiKey: string; ownerEmail: string; consoleLink: string } | null;
  /**
   * Stops within `graceMs` (CHATCART_SHUTDOWN_SECONDS by default). First the job runner
   * takes no new job and its running jobs get up to half the time, while the HTTP server
   * still answers (a sandbox double's delivery to this very server, or a handler calling
   * it back, completes); jobs still running then are handed back for another worker.
   * Then the HTTP server takes no new connection, answers requests that arrive on open
   * ones 503, lets those in flight finish and closes every keep-alive connection; what is
   * still open at the deadline is cut. Last, the database is closed (the embedded
   * folder's lock released).
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Real time for rate limits and paced sends (tests pass a manual one); the system clock otherwise. */
  wallClock?: Clock;
  log?: Logger;
  db?: Db;
  listen?: boolean;
}

export async function startServer(cfg: Config, opts: StartOptions = {}): Promise<Running> {
  const log = opts.log ?? createLogger(cfg.LOG_LEVEL);
  const db = opts.db ?? (await openDbFromConfig(cfg, log));
  const clock = opts.clock ?? systemClock;
  let runner: JobRunner | undefined;
  const ctx = contextFromConfig(cfg, {
    db,
    clock,
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    log,
    secrets: await secretBoxFor(cfg, db),
    jobsEnqueued: () => runner?.wake(),
  });
  const metrics = createMetrics(ctx);
  runner = new JobRunner({
    db,
    clock,
    log,
    handlers: jobHandlers(ctx),
    concurrency: cfg.CHATCART_WORKER_CONCURRENCY,
    leaseMs: cfg.CHATCART_JOB_LEASE_SECONDS * 1000,
    pollMs: cfg.CHATCART_POLL_MS,
    onOutcome: (kind, outcome) => metrics.jobOutcome(kind, outcome),
  });
  prepareDummyHash();
  const boot = cfg.CHATCART_MODE === 'sandbox' ? await db.transaction((tx) => bootstrapSandbox(ctx, tx)) : null;
  const app = await buildHttpApp({
    ctx,
    log,
    bodyLimit: cfg.BODY_LIMIT_BYTES,
    rateLimit: {
      perSecond: cfg.RATE_LIMIT_PER_SECOND,
      burst: cfg.RATE_LIMIT_BURST,
      merchantPerSecond: cfg.RATE_LIMIT_MERCHANT_PER_SECOND,
      merchantBurst: cfg.RATE_LIMIT_MERCHANT_BURST,
      authFailuresPerMinute: cfg.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
      authFailuresBurst: cfg.RATE_LIMIT_AUTH_FAILURES_BURST,
    },
    trustProxy: cfg.TRUST_PROXY,
    metrics,
    metricsToken: cfg.METRICS_TOKEN,
    authenticate: (presented) => authenticate(ctx, presented),
    authenticateSession: (token) => authenticateSession(ctx, token),
    registerRoutes,
    openapiTags: OPENAPI_TAGS,
    strictResponses: cfg.CHATCART_STRICT_RESPONSES,
  });
  if (cfg.CHATCART_MODE === 'live' && !cfg.METRICS_TOKEN)
    log.warn('METRICS_TOKEN is not set: GET /metrics answers anyone who reaches the server (set it, or restrict /metrics at your proxy)');
  let url = cfg.publicUrl;
  if (opts.listen !== false) {
    url = await app.listen({ port: cfg.PORT, host: cfg.HOST });
    if (!cfg.PUBLIC_URL) ctx.publicUrl = url.replace('[::1]', 'localhost');
    // The real port (PORT=0 picks one): the only one the sandbox doubles may post to.
    ctx.ownOrigins = ownOriginsOf(ctx.publicUrl, (app.server.address() as AddressInfo).port);
  }
  // The owner's link on the address the server really listens on (PORT=0 picks it above).
  const demo = boot && {
    merchantId: boot.merchantId,
    apiKey: boot.apiKey,
    ownerEmail: boot.ownerEmail,
    consoleLink: `${ctx.publicUrl}${boot.consoleLinkPath}`,
  };
  if (cfg.CHATCART_JOBS === 'on') {
    await scheduleMaintenance(ctx, clock.now());
    runner.start();
  }
  return {
    app,
    ctx,
    runner,
    url,
    demo,
    async close(o = {}) {
      const graceMs = o.graceMs ?? cfg.CHATCART_SHUTDOWN_SECONDS * 1000;
      const deadline = Date.now() + graceMs;
      const { released } = await runner!.stop(graceMs / 2);
      if (released > 0) log.warn({ released }, 'shutdown: jobs still running were handed back');
      // Open streams end first (they would hold the HTTP server open until the deadline).
      await ctx.stream?.close();
      await closeHttpApp(app, deadline - Date.now());
      if (!opts.db) await db.close();
    },
  };
}
