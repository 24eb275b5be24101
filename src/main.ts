// Composition root: builds the ports once (store, clock, secrets, logger), then the
// HTTP app and the job workers, in one process.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock } from './adapters/clock/clock.ts';
import { paymentProviders } from './adapters/providers/registry.ts';
import { createSecretBox } from './adapters/secrets/secret-box.ts';
import type { AppContext } from './platform/context.ts';
import type { Clock, SecretBox } from './platform/ports.ts';
import { bootstrapSandbox } from './modules/merchants/merchants.sandbox-bootstrap.ts';
import type { Config } from './config.ts';
import { buildHttpApp, type App } from './platform/http/app.ts';
import { registerRoutes } from './composition/routes.ts';
import { authenticate } from './modules/merchants/merchants.api-keys.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { jobHandlers, scheduleMaintenance } from './composition/job-handlers.ts';
import { JobRunner } from './platform/jobs/runner.ts';
import { createLogger } from './platform/logger.ts';
import type { Db } from './platform/store/db.ts';
import { initSystemSetting } from './modules/merchants/merchants.repository.ts';
import { openStore } from './platform/store/open.ts';

export async function openDbFromConfig(cfg: Config, log?: Logger): Promise<Db> {
  return openStore({
    databaseUrl: cfg.DATABASE_URL,
    dataDir: cfg.CHATCART_DATA_DIR,
    warn: (msg, err) => log?.warn({ err }, msg),
    onLockCompromised: (e) => {
      log?.fatal({ err: e }, 'lost the lock on the embedded database folder; stopping to avoid a second writer');
      process.exit(1);
    },
  });
}

/**
 * The secret box. Live mode requires CHATCART_ENCRYPTION_KEY (config enforces it); a
 * sandbox without one generates a key once and keeps it in the database, which is
 * fine for demo data and never used in live mode.
 */
export async function secretBoxFor(cfg: Config, db: Db): Promise<SecretBox> {
  const previous = (cfg.CHATCART_ENCRYPTION_KEYS_PREVIOUS ?? '')
    .split(',')
    .filter(Boolean)
    .map((k) => Buffer.from(k.trim(), 'base64'));
  if (cfg.CHATCART_ENCRYPTION_KEY) return createSecretBox(Buffer.from(cfg.CHATCART_ENCRYPTION_KEY, 'base64'), previous);
  const stored = await initSystemSetting(db, 'sandbox_encryption_key', crypto.randomBytes(32).toString('base64'));
  return createSecretBox(Buffer.from(stored, 'base64'), previous);
}

export interface Running {
  app: App;
  ctx: AppContext;
  runner: JobRunner;
  url: string;
  demo: { merchantId: string; apiKey: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
  db?: Db;
  listen?: boolean;
}

export async function startServer(cfg: Config, opts: StartOptions = {}): Promise<Running> {
  const log = opts.log ?? createLogger(cfg.LOG_LEVEL);
  const db = opts.db ?? (await openDbFromConfig(cfg, log));
  const clock = opts.clock ?? systemClock;
  let runner: JobRunner | undefined;
  const ctx: AppContext = {
    db,
    clock,
    log,
    secrets: await secretBoxFor(cfg, db),
    mode: cfg.CHATCART_MODE,
    publicUrl: cfg.publicUrl,
    appSecret: cfg.WHATSAPP_APP_SECRET,
    verifyToken: cfg.WHATSAPP_VERIFY_TOKEN,
    graph: { url: cfg.WHATSAPP_GRAPH_URL, version: cfg.WHATSAPP_GRAPH_VERSION ?? 'v24.0' },
    webhookAllowPrivate: cfg.WEBHOOK_ALLOW_PRIVATE === 'true',
    retention: { webhookBodiesDays: cfg.RETENTION_DAYS_WEBHOOK_BODIES, conversationsDays: cfg.RETENTION_DAYS_CONVERSATIONS },
    jobsEnqueued: () => runner?.wake(),
  };
  ctx.providers = paymentProviders(ctx, { stripeApiUrl: cfg.STRIPE_API_URL, razorpayApiUrl: cfg.RAZORPAY_API_URL });
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
  const demo = cfg.CHATCART_MODE === 'sandbox' ? await db.transaction((tx) => bootstrapSandbox(ctx, tx)) : null;
  const app = await buildHttpApp({
    ctx,
    log,
    bodyLimit: cfg.BODY_LIMIT_BYTES,
    rateLimit: { perSecond: cfg.RATE_LIMIT_PER_SECOND, burst: cfg.RATE_LIMIT_BURST },
    metrics,
    authenticate: (presented) => authenticate(ctx, presented),
    registerRoutes,
  });
  let url = cfg.publicUrl;
  if (opts.listen !== false) {
    url = await app.listen({ port: cfg.PORT, host: cfg.HOST });
    if (!cfg.PUBLIC_URL) ctx.publicUrl = url.replace('[::1]', 'localhost');
  }
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
    async close() {
      await app.close();
      await runner!.stop();
      if (!opts.db) await db.close();
    },
  };
}
