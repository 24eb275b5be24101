// The one place an AppContext is put together, for the server, the workers, the CLI
// and the tests: the ports (database, clock, logger, secrets), the payment provider
// adapters, and the followers of the event log. Nothing else builds one, so a new
// port or registration is added here once and every entry point has it.
import type { Logger } from 'pino';
import { paymentProviders } from '../adapters/providers/registry.ts';
import { DEFAULT_GRAPH_VERSION } from '../adapters/whatsapp/graph.client.ts';
import type { Config } from '../config.ts';
import { ensureSandboxPspAccount } from '@chatcart/sandbox';
import { followOrderEvent } from '../modules/bookings/index.ts';
import { followBillSent } from '../modules/reminders/index.ts';
import { readEventSubjects } from '../modules/orders/index.ts';
import type { AccountSource, AppContext, CaptureLimit, EventFollower, InboundHandlers } from '../platform/context.ts';
import { checkoutLinkCaptureLimit, followCheckoutLinkOrder } from '../modules/checkout-links/index.ts';
import { ownOriginsOf } from '../platform/own-origins.ts';
import { WHATSAPP_PAY } from '../adapters/providers/whatsapp-pay/whatsapp-pay.adapter.ts';
import { whatsappPayCredentials } from '../modules/whatsapp/index.ts';
import { completeFlowFromReply } from '../modules/flows/index.ts';
import { autoReply, staffReplied } from '../modules/automation/index.ts';
import type { Clock } from '../platform/ports.ts';
import { systemClock } from '../adapters/clock/clock.ts';
import type { Db } from '../platform/store/db.ts';
import { StreamWake } from '../platform/stream-wake.ts';

/** What follows the event log, in registration order. */
export const EVENT_FOLLOWERS: readonly EventFollower[] = [followOrderEvent, followCheckoutLinkOrder, followBillSent];

/** What may refuse to count a capture (a checkout link's max_payments). */
const CAPTURE_LIMITS: readonly CaptureLimit[] = [checkoutLinkCaptureLimit];

/** Inbound WhatsApp messages that flows answer. */
const INBOUND: InboundHandlers = { autoReply, staffReplied, flowReply: completeFlowFromReply };

/** Providers whose credentials are not in provider_accounts. */
const ACCOUNT_SOURCES: ReadonlyMap<string, AccountSource> = new Map([[WHATSAPP_PAY, whatsappPayCredentials]]);

/** The parts every context needs; the rest is wired here. */
export type ContextParts = Omit<
  AppContext,
  'eventFollowers' | 'eventSubjects' | 'inbound' | 'accountSources' | 'captureLimits' | 'providers' | 'ownOrigins' | 'wallClock'
> & {
  /** The system clock when not given. */
  wallClock?: Clock;
  /** This server's own origins; the public URL's alone when not given. */
  ownOrigins?: Set<string>;
  /** Build the payment provider adapters (their API base URLs; the sandbox's is our own public URL). */
  providerUrls?: { stripeApiUrl?: string | undefined; razorpayApiUrl?: string | undefined };
};

export function buildContext(parts: ContextParts): AppContext {
  const { providerUrls, ownOrigins, wallClock, ...rest } = parts;
  const ctx: AppContext = {
    ...rest,
    wallClock: wallClock ?? systemClock,
    ownOrigins: ownOrigins ?? ownOriginsOf(rest.publicUrl, 0),
    eventFollowers: EVENT_FOLLOWERS,
    eventSubjects: readEventSubjects,
    inbound: INBOUND,
    accountSources: ACCOUNT_SOURCES,
    captureLimits: CAPTURE_LIMITS,
  };
  // Every process that changes things wakes the streams (a worker's change reaches a server's client).
  ctx.stream ??= new StreamWake(rest.db, { warn: (msg, e) => rest.log.warn({ err: e }, msg) });
  // The sandbox PSP double opens a merchant's test account in code (its key and webhook secret
  // never travel over HTTP); everything else between us and the double is its HTTP API.
  if (providerUrls) ctx.providers = paymentProviders(ctx, { ...providerUrls, sandboxAccounts: ensureSandboxPspAccount });
  return ctx;
}

/** The context of a server, worker or CLI process, from its configuration. */
export function contextFromConfig(
  cfg: Config,
  ports: { db: Db; clock: Clock; wallClock?: Clock; log: Logger; secrets: AppContext['secrets']; jobsEnqueued: () => void },
): AppContext {
  return buildContext({
    ...ports,
    mode: cfg.CHATCART_MODE,
    publicUrl: cfg.publicUrl,
    // A worker process posts the doubles' webhooks to the server on its configured port.
    ownOrigins: ownOriginsOf(cfg.publicUrl, cfg.PORT),
    appSecret: cfg.WHATSAPP_APP_SECRET,
    verifyToken: cfg.WHATSAPP_VERIFY_TOKEN,
    graph: { url: cfg.WHATSAPP_GRAPH_URL, version: cfg.WHATSAPP_GRAPH_VERSION ?? DEFAULT_GRAPH_VERSION },
    webhookAllowPrivate: cfg.WEBHOOK_ALLOW_PRIVATE === 'true',
    accounts: {
      sessionIdleSeconds: cfg.SESSION_IDLE_MINUTES * 60,
      sessionMaxSeconds: cfg.SESSION_MAX_HOURS * 3600,
      loginsPerAccount: cfg.RATE_LIMIT_LOGINS_PER_ACCOUNT,
      loginsPerAddress: cfg.RATE_LIMIT_LOGINS_PER_ADDRESS,
    },
    retention: {
      webhookBodiesDays: cfg.RETENTION_DAYS_WEBHOOK_BODIES,
      conversationsDays: cfg.RETENTION_DAYS_CONVERSATIONS,
      mediaDays: cfg.RETENTION_DAYS_MEDIA,
    },
    inboundMediaMaxBytes: { image: cfg.WHATSAPP_MEDIA_MAX_IMAGE_BYTES, document: cfg.WHATSAPP_MEDIA_MAX_DOCUMENT_BYTES },
    providerUrls: { stripeApiUrl: cfg.STRIPE_API_URL, razorpayApiUrl: cfg.RAZORPAY_API_URL },
  });
}
