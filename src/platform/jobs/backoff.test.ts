import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retryDelayMs', () => {
  it.each([
    [1, 0, 1000],
    [1, 1, 2000],
    [2, 0, 2000],
    [3, 1, 8000],
    [30, 1, 3_600_000],
    [30, 0, 1_800_000],
  ])('attempt %i with random %f waits %i ms', (attempt, r, want) => {
    expect(retryDelayMs(attempt, { baseMs: 2000, capMs: 3_600_000 }, () => r)).toBe(want);
  });

  it('grows and stays within [exp/2, exp]', () => {
    for (let a = 1; a < 12; a++) {
      const d = retryDelayMs(a);
      const exp = Math.min(3_600_000, 2000 * 2 ** (a - 1));
      expect(d).toBeGreaterThanOrEqual(exp / 2);
      expect(d).toBeLessThanOrEqual(exp);
    }
  });
});
