// Typed, validated environment. A bad or missing value stops the process with one
// clear line naming the variable (see ConfigError); secrets have no defaults.
import { z } from 'zod';

const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(s), {
  message: 'must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
});

const intFrom = (min: number, max: number, def: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return def;
      if (!/^\d+$/.test(s)) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      const n = Number(s);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** An integer when set, undefined when unset (its default depends on another variable). */
const optionalInt = (min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** Days to keep personal data; 0 or `off` keeps it forever (null). */
const retentionDays = (def: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return def;
      if (s === 'off' || s === '0') return null;
      if (!/^\d+$/.test(s) || Number(s) > 36_500) {
        ctx.addIssue({ code: 'custom', message: 'must be a number of days from 1 to 36500, or 0 / off to keep forever' });
        return z.NEVER;
      }
      return Number(s);
    });

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s === '' ? undefined : s));

const envSchema = z.object({
  CHATCART_MODE: z
    .enum(['sandbox', 'live'], { message: 'must be one of sandbox, live' })
    .optional()
    .transform((m) => m ?? 'sandbox'),
  PORT: intFrom(0, 65535, 3000),
  HOST: optionalString.transform((h) => h ?? '127.0.0.1'),
  PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional()),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  CHATCART_DATA_DIR: optionalString.transform((d) => d ?? './.chatcart'),
  CHATCART_ENCRYPTION_KEY: optionalString.pipe(base64Key.optional()),
  CHATCART_ENCRYPTION_KEYS_PREVIOUS: optionalString.pipe(
    z
      .string()
      .refine((s) => s.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32), {
        message: 'must be a comma-separated list of 32-byte base64 keys',
      })
      .optional(),
  ),
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .optional()
    .transform((l) => l ?? 'info'),
  // Per API key; per merchant (all its keys together; by default the same as one key's);
  // failed authentications per client address (docs/operations.md, "Rate limits").
  RATE_LIMIT_PER_SECOND: intFrom(1, 100_000, 100),
  RATE_LIMIT_BURST: intFrom(1, 1_000_000, 200),
  RATE_LIMIT_MERCHANT_PER_SECOND: optionalInt(1, 100_000),
  RATE_LIMIT_MERCHANT_BURST: optionalInt(1, 1_000_000),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: intFrom(1, 100_000, 60),
  RATE_LIMIT_AUTH_FAILURES_BURST: intFrom(1, 1_000_000, 50),
  // Console sessions and logins (docs/users.md): idle and absolute expiry; login attempts
  // per account per 15 minutes and per client address per minute, counted before hashing.
  SESSION_IDLE_MINUTES: intFrom(5, 7 * 24 * 60, 12 * 60),
  SESSION_MAX_HOURS: intFrom(1, 90 * 24, 7 * 24),
  RATE_LIMIT_LOGINS_PER_ACCOUNT: intFrom(1, 10_000, 10),
  RATE_LIMIT_LOGINS_PER_ADDRESS: intFrom(1, 100_000, 30),
  // How many reverse proxies in front of chatcart append to X-Forwarded-For (0: none, the
  // client address is the connection's).
  TRUST_PROXY: intFrom(0, 32, 0),
  BODY_LIMIT_BYTES: intFrom(1024, 64 * 1024 * 1024, 1024 * 1024),
  CHATCART_JOBS: z
    .enum(['on', 'off'], { message: 'must be on or off' })
    .optional()
    .transform((v) => v ?? 'on'),
  // PostgreSQL connections per process (requests and job workers share them; docs/operations.md, sizing).
  DATABASE_POOL_SIZE: intFrom(1, 200, 10),
  // Named prepared statements on PostgreSQL (platform/store/statement-names.ts). Off by default:
  // a schema change made by another process (a rolling deploy's migration) fails one
  // transaction per pooled connection that had prepared a `select *` of the changed table,
  // and PgBouncer before 1.21 in transaction mode does not carry them (docs/operations.md).
  DATABASE_PREPARED_STATEMENTS: optionalString.pipe(z.enum(['on', 'off'], { message: 'must be on or off' }).optional()).transform((v) => v === 'on'),
  CHATCART_WORKER_CONCURRENCY: intFrom(1, 64, 4),
  CHATCART_JOB_LEASE_SECONDS: intFrom(5, 3600, 60),
  CHATCART_POLL_MS: intFrom(10, 60_000, 500),
  // On SIGTERM/SIGINT: how long running jobs and requests get before they are cut (docs/operations.md).
  CHATCART_SHUTDOWN_SECONDS: intFrom(1, 600, 7),
  WHATSAPP_GRAPH_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional()),
  WHATSAPP_GRAPH_VERSION: optionalString.pipe(
    z
      .string()
      .regex(/^v\d{1,3}\.\d$/, { message: 'must look like v27.0' })
      .optional(),
  ),
  STRIPE_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional()),
  RAZORPAY_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional()),
  // Data retention (docs/operations.md): raw webhook bodies, conversation content, uploads.
  RETENTION_DAYS_WEBHOOK_BODIES: retentionDays(30),
  RETENTION_DAYS_CONVERSATIONS: retentionDays(365),
  // Uploaded media no message names any more (never sent, or its messages were redacted).
  RETENTION_DAYS_MEDIA: retentionDays(30),
  // Media customers send (docs/whatsapp.md "Media customers send"): larger files are listed as too_large, not fetched.
  WHATSAPP_MEDIA_MAX_IMAGE_BYTES: intFrom(1, 100 * 1024 * 1024, 5 * 1024 * 1024),
  WHATSAPP_MEDIA_MAX_DOCUMENT_BYTES: intFrom(1, 100 * 1024 * 1024, 16 * 1024 * 1024),
  // GET /metrics requires Authorization: Bearer METRICS_TOKEN when set (docs/operations.md).
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 32`)' }).optional()),
  // Tests: every answer must match its declared response schema and status (else a 500);
  // off by default, answers go out as the presenters made them (docs/operations.md).
  CHATCART_STRICT_RESPONSES: optionalString.pipe(z.enum(['true', 'false'], { message: 'must be true or false' }).optional()).transform((v) => v === 'true'),
  WEBHOOK_ALLOW_PRIVATE: optionalString.pipe(z.enum(['true', 'false'], { message: 'must be true or false' }).optional()), // server-side fetches of merchant URLs may target private networks (AppContext.webhookAllowPrivate)
});

type Parsed = z.output<typeof envSchema>;
export type Config = Omit<Parsed, 'RATE_LIMIT_MERCHANT_PER_SECOND' | 'RATE_LIMIT_MERCHANT_BURST'> & {
  RATE_LIMIT_MERCHANT_PER_SECOND: number;
  RATE_LIMIT_MERCHANT_BURST: number;
  publicUrl: string;
};

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`config: ${variable} ${detail}`);
  }
}

/** Live mode refuses to start without these: they protect webhooks and secrets at rest. */
export const LIVE_REQUIRED = ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'CHATCART_ENCRYPTION_KEY'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = env[variable];
    throw new ConfigError(variable, `${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(redactValue(variable, got))})`}`);
  }
  const cfg = parsed.data;
  if (cfg.CHATCART_MODE === 'live') {
    for (const name of LIVE_REQUIRED) {
      if (!cfg[name]) throw new ConfigError(name, 'is required when CHATCART_MODE=live');
    }
  }
  if (cfg.RATE_LIMIT_BURST < cfg.RATE_LIMIT_PER_SECOND) {
    throw new ConfigError('RATE_LIMIT_BURST', 'must be at least RATE_LIMIT_PER_SECOND');
  }
  const merchantPerSecond = cfg.RATE_LIMIT_MERCHANT_PER_SECOND ?? cfg.RATE_LIMIT_PER_SECOND;
  const merchantBurst = cfg.RATE_LIMIT_MERCHANT_BURST ?? Math.max(cfg.RATE_LIMIT_BURST, merchantPerSecond);
  if (merchantBurst < merchantPerSecond) {
    throw new ConfigError('RATE_LIMIT_MERCHANT_BURST', 'must be at least RATE_LIMIT_MERCHANT_PER_SECOND (or RATE_LIMIT_PER_SECOND when that is unset)');
  }
  const publicUrl = (cfg.PUBLIC_URL ?? `http://${cfg.HOST.includes(':') ? `[${cfg.HOST}]` : cfg.HOST}:${cfg.PORT}`).replace(/\/+$/, '');
  return { ...cfg, RATE_LIMIT_MERCHANT_PER_SECOND: merchantPerSecond, RATE_LIMIT_MERCHANT_BURST: merchantBurst, publicUrl };
}

function redactValue(variable: string, value: string): string {
  return /SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL/.test(variable) ? '[redacted]' : value;
}
