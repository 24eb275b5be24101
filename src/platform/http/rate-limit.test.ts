import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then refills at the rate', () => {
    let t = 0;
    const b = new TokenBuckets(100, 200, () => t);
    for (let i = 0; i < 200; i++) expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBeGreaterThan(0);
    t += 10; // 10 ms → one token at 100/s
    expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBeGreaterThan(0);
    t += 1000;
    for (let i = 0; i < 100; i++) expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBeGreaterThan(0);
  });

  it('keeps keys apart', () => {
    const t = 0;
    const b = new TokenBuckets(1, 1, () => t);
    expect(b.take('a')).toBe(0);
    expect(b.take('a')).toBeCloseTo(1);
    expect(b.take('b')).toBe(0);
  });
});
