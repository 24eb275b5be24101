// How outgoing webhooks are retried, timed out and given up on: data, so the schedule
// can be read, changed and tested as a table (Svix's schedule, src: docs.svix.com/retries).
import { networkPolicyFor, type NetworkPolicy } from '../../adapters/outbound-webhooks/ssrf.ts';
import type { Mode } from '../../platform/context.ts';

export interface DeliveryPolicy {
  /** The wait before retry n (n = 1…): the first attempt runs at once; 8 attempts in all by default. */
  scheduleMs: readonly number[];
  /** Up to this fraction of each wait is added at random, so failing endpoints do not retry in lockstep. */
  jitterRatio: number;
  /** A receiver must answer within this (connect, headers and the excerpt we read). */
  timeoutMs: number;
  /** How much of an answer is kept on the attempt. */
  excerptBytes: number;
  /** A receiver's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number;
  /** Disable an endpoint after this many deliveries ran out of attempts without a 2xx in between… */
  disableAfterExhausted: number;
  /** …or once it has failed without a single 2xx for this long (Svix: 5 days). */
  disableAfterFailingMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  scheduleMs: [5_000, 5 * MIN, 30 * MIN, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
  jitterRatio: 0.1,
  timeoutMs: 15_000,
  excerptBytes: 1024,
  maxRetryAfterMs: 24 * HOUR,
  disableAfterExhausted: 10,
  disableAfterFailingMs: 5 * 24 * HOUR,
};

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * HOUR;
/** Endpoints per merchant: enough for a CRM, an ERP and a few tools; a bound on fan-out cost. */
export const MAX_ENDPOINTS_PER_MERCHANT = 16;
/** Events one replay request may queue (a larger range: split it). */
export const MAX_REPLAY_EVENTS = 10_000;

/**
 * The wait after `attemptsMade` failed attempts, or null when they are used up.
 * Retry-After from the receiver (429/503) can only lengthen the wait.
 */
export function nextRetryDelayMs(policy: DeliveryPolicy, attemptsMade: number, o: { retryAfterMs?: number | null; random?: () => number } = {}): number | null {
  const base = policy.scheduleMs[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base + base * policy.jitterRatio * (o.random ?? Math.random)());
  return Math.max(jittered, Math.min(o.retryAfterMs ?? 0, policy.maxRetryAfterMs));
}

/** Whether a failing endpoint has failed long or often enough to be disabled. */
export function shouldDisable(policy: DeliveryPolicy, e: { failing_since: Date | null; exhausted_count: number }, now: Date): 'exhausted' | 'failing' | null {
  if (e.exhausted_count >= policy.disableAfterExhausted) return 'exhausted';
  if (e.failing_since && now.getTime() - new Date(e.failing_since).getTime() >= policy.disableAfterFailingMs) return 'failing';
  return null;
}

/**
 * The SSRF policy for every server-side fetch of a merchant-given URL (webhook endpoints,
 * product images). WEBHOOK_ALLOW_PRIVATE is read once by config.ts into the AppContext.
 */
export function webhookNetworkPolicy(ctx: { mode: Mode; webhookAllowPrivate?: boolean | undefined }): NetworkPolicy {
  return networkPolicyFor(ctx.mode, ctx.webhookAllowPrivate === true);
}
