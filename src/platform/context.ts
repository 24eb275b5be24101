// What every use case gets: the store, the clock, and the few settings that change
// behaviour. Built once by the composition root (src/composition/context.ts), by the
// server, the workers, the CLI and the tests alike.
import type { Logger } from 'pino';
import type { LogEventInput, OrderSnapshot, PaymentSnapshot } from '../domain/business-events.ts';
import type { Db, Queryable, Tx } from './store/db.ts';
import type { PaymentProviderAdapter, ProviderCredentials } from './payment-provider.port.ts';
import type { Clock, SecretBox } from './ports.ts';
import type { StreamWake } from './stream-wake.ts';
import type { Principal } from '../domain/roles.ts';

export type Mode = 'sandbox' | 'live';

export interface AppContext {
  db: Db;
  clock: Clock;
  /**
   * Real seconds, for what is paced at someone else's end (Meta's send throughput, a provider's
   * lookup rate): those limits hold in wall-clock time even when `clock` is a test's manual one.
   * The system clock unless a test fakes it.
   */
  wallClock: Clock;
  log: Logger;
  secrets: SecretBox;
  mode: Mode;
  publicUrl: string;
  /** WHATSAPP_APP_SECRET / WHATSAPP_VERIFY_TOKEN when set (required in live mode). */
  appSecret?: string | undefined;
  verifyToken?: string | undefined;
  /** Graph API base URL and version for live numbers (sandbox numbers use our /sandbox/graph). */
  graph?: { url?: string | undefined; version: string };
  /** Payment provider adapters by name (sandbox, razorpay, stripe, …). */
  providers?: ReadonlyMap<string, PaymentProviderAdapter>;
  /** WEBHOOK_ALLOW_PRIVATE: server-side fetches of merchant-given URLs may reach private networks (read once by config). */
  webhookAllowPrivate?: boolean | undefined;
  /** How long personal data is kept, in days (null: forever); unset means DEFAULT_RETENTION (app/retention.ts). */
  retention?: { webhookBodiesDays: number | null; conversationsDays: number | null; mediaDays?: number | null } | undefined;
  /**
   * The largest media a customer sends that is fetched and kept, in bytes (WHATSAPP_MEDIA_MAX_IMAGE_BYTES,
   * WHATSAPP_MEDIA_MAX_DOCUMENT_BYTES): images and stickers / documents, audio and video. Unset: 5 MB / 16 MB.
   */
  inboundMediaMaxBytes?: { image: number; document: number } | undefined;
  /**
   * This server's own origins (platform/own-origins.ts): its public URL, and its port on
   * 127.0.0.1, localhost and [::1]. The only places the sandbox doubles post to. Set by the
   * composition root (on the real port once the server listens); no request or setting
   * adds to it. A test that receives the doubles' webhooks itself adds its receiver here.
   */
  ownOrigins: Set<string>;
  /**
   * Wake-ups of the live stream (platform/stream-wake.ts): told after a change a stream
   * shows has committed. Built by the composition root; absent in bare test contexts.
   */
  stream?: StreamWake | undefined;
  /** Called after a transaction that enqueued jobs commits: wakes local workers early. */
  jobsEnqueued: () => void;
  /**
   * Told of every event appended to the log, in the same transaction (bookings follow
   * their deposit order this way). Registered by the composition root, so the event log
   * knows no module that follows it.
   */
  eventFollowers: readonly EventFollower[];
  /**
   * Reads what a business event is about (its order and payment attempt) for the body of
   * an outgoing webhook. The orders module answers; the composition root wires it, so the
   * event log knows no module above it.
   */
  eventSubjects: EventSubjectReader;
  /**
   * Answers the inbound WhatsApp messages that a capability above the whatsapp module owns
   * (a Flow keyword, a Flow's completion). Wired by the composition root, so whatsapp
   * receives messages without importing the flows that answer them.
   */
  inbound: InboundHandlers;
  /**
   * Providers whose credentials live outside provider_accounts (WhatsApp Pay: the merchant's
   * number and token), by adapter name. A source throws ProviderRejectedError when the
   * merchant has not set it up. Wired by the composition root.
   */
  accountSources: ReadonlyMap<string, AccountSource>;
  /**
   * Asked by payments before a verified capture counts towards an order, in the capture's
   * transaction with the order row locked: a capability that caps payments (a checkout
   * link's max_payments) answers a reason to refuse, and the capture then takes the
   * extra-capture policy. Wired by the composition root (checkout links sit above payments).
   */
  captureLimits: readonly CaptureLimit[];
  /** Console sessions and logins (docs/users.md); the users module's defaults when unset. */
  accounts?: AccountSettings | undefined;
}

export interface AccountSettings {
  /** A session unused this long ends (SESSION_IDLE_MINUTES). */
  sessionIdleSeconds: number;
  /** A session ends this long after login, used or not (SESSION_MAX_HOURS). */
  sessionMaxSeconds: number;
  /** Login attempts per account per 15 minutes, and per client address per minute. */
  loginsPerAccount: number;
  loginsPerAddress: number;
}

/**
 * Undefined: the capture may count (and, with `count`, is counted now); a reason: it is over a
 * limit (and is handled as an extra capture). Without `count` it only asks (the pay page, before
 * sending a payer to the provider).
 */
export type CaptureLimit = (
  ctx: AppContext,
  q: Queryable,
  order: { merchantId: string; orderId: string },
  opts: { count: boolean },
) => Promise<string | undefined>;

export type AccountSource = (ctx: AppContext, merchantId: string) => Promise<ProviderCredentials>;

export interface FlowReplyInput {
  merchantId: string;
  phoneNumberId: string;
  /** The customer who sent it (customers module), and their phone if known. */
  customerId: string;
  waId: string | null;
  wamid: string;
  /** The parsed response_json, or null when it was not a JSON object. */
  responseJson: Record<string, unknown> | null;
  flowToken: string | undefined;
}

export type FlowReplyOutcome = { note: string; reply?: string };

/** An inbound message just stored (not a redelivery), for automatic replies. */
export interface AutoReplyInput {
  merchantId: string;
  customerId: string;
  conversationId: string;
  /** Meta's message id: the key of at most one automatic reply. */
  wamid: string;
  /** WhatsApp's type (image, reaction, … for the types we only store); the text for a text. */
  type: string;
  text?: string | undefined;
}

export interface InboundHandlers {
  /**
   * Every new inbound message (after the opt-out words): the automatic reply it gets, if any
   * (a keyword, greeting, away or fallback); the note of what was done, or undefined.
   */
  autoReply(ctx: AppContext, tx: Tx, message: AutoReplyInput): Promise<string | undefined>;
  /** A person replied in a conversation: automation pauses, and resumes after the merchant's setting. */
  staffReplied(ctx: AppContext, tx: Tx, c: { merchantId: string; conversationId: string; at: Date }): Promise<void>;
  /** An nfm_reply (a Flow's completion). */
  flowReply(ctx: AppContext, tx: Tx, reply: FlowReplyInput): Promise<FlowReplyOutcome>;
}

export interface EventSubjects {
  order: OrderSnapshot | null;
  payment: PaymentSnapshot | null;
  /** The reference of the order's current bill (when the event names an older attempt). */
  currentReferenceId: string | null;
}

export type EventSubjectReader = (q: Queryable, merchantId: string, ev: LogEventInput) => Promise<EventSubjects>;

/** An event as the log wrote it: what a follower needs to react to it. */
export interface LoggedEvent {
  merchant_id: string;
  order_id: string | null;
  type: string;
  source: Actor['source'];
  actor: string | null;
  data: Record<string, unknown>;
}

export type EventFollower = (ctx: AppContext, tx: Tx, event: LoggedEvent) => Promise<void>;

/** Who did something, as written to the event log. */
export interface Actor {
  source: 'api' | 'whatsapp' | 'provider' | 'job' | 'cli';
  /** key_… or usr_… for 'api', the operator for 'cli'. */
  id: string | null;
  /** Over HTTP: a console user and its role, or an API key (acting as the owner). */
  principal?: Principal | undefined;
  /** Over HTTP: the client address (req.ip, through TRUST_PROXY), for the audit log. */
  address?: string | undefined;
}

/** Runs fn in a transaction and wakes the workers once it has committed. */
export async function inTransaction<T>(ctx: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction(fn);
  ctx.jobsEnqueued();
  return result;
}
