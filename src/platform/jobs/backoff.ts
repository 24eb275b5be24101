// Exponential backoff with jitter: attempt n waits base·2^(n−1), capped, and a random
// part of it so that many failing jobs do not retry in lockstep.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 60 * 60_000 };

export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": half fixed, half random, so the delay never collapses to zero.
  return Math.round(exp / 2 + random() * (exp / 2));
}
