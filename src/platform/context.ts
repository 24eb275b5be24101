// What every use case gets: the store, the clock, and the few settings that change
// behaviour. Built once by the composition root (src/composition/context.ts), by the
// server, the workers, the CLI and the tests alike.
import type { Logger } from 'pino';
import type { Db, Tx } from './store/db.ts';
import type { PaymentProviderAdapter } from './payment-provider.port.ts';
import type { Clock, SecretBox } from './ports.ts';

export type Mode = 'sandbox' | 'live';

export interface AppContext {
  db: Db;
  clock: Clock;
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
  retention?: { webhookBodiesDays: number | null; conversationsDays: number | null } | undefined;
  /** Called after a transaction that enqueued jobs commits: wakes local workers early. */
  jobsEnqueued: () => void;
  /**
   * Told of every event appended to the log, in the same transaction (bookings follow
   * their deposit order this way). Registered by the composition root, so the event log
   * knows no module that follows it.
   */
  eventFollowers: readonly EventFollower[];
}

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
  id: string | null;
}

/** Runs fn in a transaction and wakes the workers once it has committed. */
export async function inTransaction<T>(ctx: AppContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction(fn);
  ctx.jobsEnqueued();
  return result;
}
