// What the sandbox needs from the server that hosts it, and nothing more: a database handle,
// a clock, a job queue, the server's own origins and, for the one route behind the
// product's authentication, the way to know the caller and to answer an error. The
// composition root builds one from its context (src/composition/sandbox-host.ts), so the
// sandbox never reaches into the product's platform.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DomainError } from '../../../src/domain/errors.ts';

/** One statement at a time on the host's database (a pool, PGlite, or a transaction). */
export interface Queryable {
  readonly kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Multi-statement SQL without parameters. */
  exec(sql: string): Promise<void>;
}

/** A transaction: pass it down, never the root handle (PGlite has one connection). */
export type Tx = Queryable & { readonly inTransaction: true };

export interface Db extends Queryable {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** A job of the host's queue, as its runner hands it to a handler. */
export interface SandboxJob {
  id: string;
  merchant_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  created_at: Date;
}

export type SandboxJobHandler = (job: SandboxJob) => Promise<void>;

export interface SandboxJobInput {
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  merchantId?: string | null;
  maxAttempts?: number;
  dedupeKey?: string | null;
  priority?: number;
}

/** The host's outbox: a job enqueued in a transaction runs only if that transaction commits. */
export interface SandboxJobs {
  enqueue(q: Queryable, job: SandboxJobInput): Promise<string | null>;
  /** An error that tells the runner a retry cannot help: the job goes dead at once. */
  permanent(reason: string): Error;
}

export interface SandboxContext {
  db: Db;
  clock: { now(): Date };
  mode: 'sandbox' | 'live';
  /** The server's public URL: where the doubles' pages and APIs are reached. */
  publicUrl: string;
  /** The server's own origins: the only places the doubles post webhooks to. */
  ownOrigins: ReadonlySet<string>;
  jobs: SandboxJobs;
  /** Wakes the host's workers after a transaction that enqueued jobs committed. */
  jobsEnqueued: () => void;
  /** What Meta would know of the business because the business set it up there. */
  business: SandboxBusiness;
}

export interface SandboxBusiness {
  /** The app secret the host verifies WhatsApp webhooks with: the double signs with it, as Meta does. */
  whatsappAppSecret(): Promise<string>;
  /** The merchant's Flows public key (a sandbox shortcut for a number that registered none). */
  flowPublicKey(merchantId: string): Promise<string | undefined>;
  /** Which of the merchant's flows a flow_token opens (Meta knows a flow message's flow by its id). */
  flowNameOfToken(token: string): Promise<string | undefined>;
  /**
   * The merchant's active products by retailer_id, from `after` on, at most `limit`: the catalog
   * as a merchant who keeps Commerce Manager in step would have exported it to Meta.
   */
  catalogProducts(
    merchantId: string,
    opts: { retailerIds?: readonly string[] | undefined; after?: string | undefined; limit: number },
  ): Promise<BusinessProduct[]>;
  /** A sandbox number and what the business set up for it at Meta; `q` is the caller's transaction when it has one. */
  number(q: Queryable, phoneNumberId: string): Promise<SandboxNumber | undefined>;
  /** The sandbox number a Bearer token of the double opens. */
  numberByToken(q: Queryable, token: string): Promise<SandboxNumber | undefined>;
  /** Every sandbox number, oldest first (at most 500). */
  numbers(q: Queryable): Promise<SandboxNumber[]>;
  /** The business's name, and the currencies its catalog sells in (what the phone's list of shops shows). */
  profile(merchantId: string): Promise<{ name: string; currencies: string[] } | undefined>;
}

/** A number the double serves: its ids, its token, and the settings a business makes at Meta. */
export interface SandboxNumber {
  phone_number_id: string;
  merchant_id: string;
  display_phone_number: string | null;
  waba_id: string | null;
  catalog_id: string | null;
  /** The Bearer token the double's Graph API accepts for this number. */
  sandbox_access_token: string | null;
  payment_configurations: { name: string; provider?: string; status?: string; [k: string]: unknown }[];
  templates: Record<string, unknown>;
  throughput_per_second: number;
  created_at: Date;
}

export interface BusinessProduct {
  /** The business's own id of the product (Meta's item id is derived from it). */
  id: string;
  retailer_id: string;
  name: string;
  description: string | null;
  /** Minor units of `currency`. */
  price: number;
  currency: string;
  image_url: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: fastify's server/request/reply/logger generics, as fastify itself defaults them
export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;

/** For routes behind the product's own authentication (the PSP's settlement report in /v1's key). */
export interface SandboxHttp {
  /** A fastify onRequest hook: answers 401 in the product's envelope, or lets the request on. */
  authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** The merchant the authenticated request acts for. */
  merchantOf(req: FastifyRequest): string;
  /** Answers an expected failure in the product's error envelope. */
  replyError(req: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply;
}

/** Runs `fn` in one transaction, then wakes the host's workers for the jobs it enqueued. */
export async function inTransaction<T>(ctx: Pick<SandboxContext, 'db' | 'jobsEnqueued'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction(fn);
  ctx.jobsEnqueued();
  return result;
}
