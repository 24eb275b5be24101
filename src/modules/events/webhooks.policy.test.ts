import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY as P, nextRetryDelayMs, shouldDisable, webhookNetworkPolicy } from './webhooks.policy.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('the retry schedule', () => {
  it.each([
    [1, 5_000],
    [2, 5 * MIN],
    [3, 30 * MIN],
    [4, 2 * HOUR],
    [5, 5 * HOUR],
    [6, 10 * HOUR],
    [7, 10 * HOUR],
  ])('after %i failed attempt(s) waits %i ms plus up to 10 %% jitter', (n, base) => {
    expect(nextRetryDelayMs(P, n, { random: () => 0 })).toBe(base);
    expect(nextRetryDelayMs(P, n, { random: () => 1 })).toBe(Math.round(base * 1.1));
    const d = nextRetryDelayMs(P, n)!;
    expect(d).toBeGreaterThanOrEqual(base);
    expect(d).toBeLessThanOrEqual(base * 1.1);
  });

  it('gives up after the eighth attempt', () => {
    expect(nextRetryDelayMs(P, 8)).toBeNull();
    expect(P.scheduleMs).toHaveLength(7);
  });

  it('lets Retry-After lengthen a wait, never shorten it, and caps it', () => {
    expect(nextRetryDelayMs(P, 1, { random: () => 0, retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextRetryDelayMs(P, 3, { random: () => 0, retryAfterMs: 1_000 })).toBe(30 * MIN);
    expect(nextRetryDelayMs(P, 1, { random: () => 0, retryAfterMs: 30 * 24 * HOUR })).toBe(24 * HOUR);
  });
});

describe('auto-disable', () => {
  const now = new Date('2026-03-10T00:00:00Z');
  it.each([
    [null, 0, null],
    [null, 9, null],
    [null, 10, 'exhausted'],
    ['2026-03-05T00:00:01Z', 0, null],
    ['2026-03-05T00:00:00Z', 0, 'failing'],
    ['2026-03-01T00:00:00Z', 3, 'failing'],
  ] as const)('failing since %s with %i exhausted deliveries: %s', (since, exhausted, expected) => {
    expect(shouldDisable(P, { failing_since: since ? new Date(since) : null, exhausted_count: exhausted }, now)).toBe(expected);
  });
});

describe('network policy', () => {
  it.each([
    ['live', undefined, { allowLoopback: false, allowPrivate: false }],
    ['sandbox', undefined, { allowLoopback: true, allowPrivate: false }],
    ['live', true, { allowLoopback: false, allowPrivate: true }],
    ['live', false, { allowLoopback: false, allowPrivate: false }],
  ] as const)('%s mode with webhookAllowPrivate=%s', (mode, allow, expected) => {
    expect(webhookNetworkPolicy({ mode, webhookAllowPrivate: allow })).toEqual(expected);
  });
});
