import { systemClock } from '../adapters/clock/clock.ts';
import { paymentProviders } from '../adapters/providers/registry.ts';
import type { AppContext } from '../platform/context.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../platform/logger.ts';
import { openDbFromConfig, secretBoxFor } from '../main.ts';

/** An AppContext for one CLI command; close() releases the database (and its lock). */
export async function openCliContext(cfg: Config): Promise<AppContext & { close(): Promise<void> }> {
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL);
  const db = await openDbFromConfig(cfg, log);
  const ctx: AppContext & { close(): Promise<void> } = {
    db,
    clock: systemClock,
    log,
    secrets: await secretBoxFor(cfg, db),
    mode: cfg.CHATCART_MODE,
    publicUrl: cfg.publicUrl,
    appSecret: cfg.WHATSAPP_APP_SECRET,
    verifyToken: cfg.WHATSAPP_VERIFY_TOKEN,
    graph: { url: cfg.WHATSAPP_GRAPH_URL, version: cfg.WHATSAPP_GRAPH_VERSION ?? 'v24.0' },
    webhookAllowPrivate: cfg.WEBHOOK_ALLOW_PRIVATE === 'true',
    retention: { webhookBodiesDays: cfg.RETENTION_DAYS_WEBHOOK_BODIES, conversationsDays: cfg.RETENTION_DAYS_CONVERSATIONS },
    jobsEnqueued: () => {},
    close: () => db.close(),
  };
  ctx.providers = paymentProviders(ctx, { stripeApiUrl: cfg.STRIPE_API_URL, razorpayApiUrl: cfg.RAZORPAY_API_URL });
  return ctx;
}

export const cliActor = { source: 'cli' as const, id: process.env.USER ?? 'cli' };
