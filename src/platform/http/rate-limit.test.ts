import { describe, expect, it } from 'vitest';
import { clientBucket, TokenBuckets } from './rate-limit.ts';

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

describe('TokenBuckets.wait and charge', () => {
  it('wait takes nothing', () => {
    const t = 0;
    const b = new TokenBuckets(1, 2, () => t);
    expect(b.wait('k')).toBe(0);
    expect(b.wait('k')).toBe(0);
    expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBe(0);
    expect(b.wait('k')).toBeCloseTo(1);
    expect(b.take('k')).toBeCloseTo(1);
  });

  it('charge goes into debt, at most one burst deep, and the debt is waited out', () => {
    let t = 0;
    const b = new TokenBuckets(1, 3, () => t);
    for (let i = 0; i < 5; i++) b.charge('k');
    expect(b.wait('k')).toBeCloseTo(3); // 3 - 5 = -2 tokens: 3 s to get back to 1
    for (let i = 0; i < 10; i++) b.charge('k');
    expect(b.wait('k')).toBeCloseTo(4); // floored at -3
    t += 4000;
    expect(b.wait('k')).toBe(0);
  });

  it('keeps at most maxBuckets, dropping full buckets first, then the least recently used', () => {
    let t = 0;
    const b = new TokenBuckets(1, 1, () => t, 10);
    for (let i = 0; i < 10; i++) b.take(`k${i}`);
    expect(b.take('k0')).toBeGreaterThan(0); // k0 is now the most recently used
    t += 100;
    b.take('new'); // 11 buckets: none is full, so the least recently used go
    expect(b.wait('k0')).toBeGreaterThan(0); // kept
    expect(b.wait('k1')).toBe(0); // forgotten
    t += 5000;
    for (let i = 0; i < 20; i++) b.take(`more${i}`); // all the old ones are full by now
    expect(b.wait('k0')).toBe(0);
  });
});

describe('clientBucket', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['not an address', 'not an address'],
  ])('%s → %s', (ip, bucket) => {
    expect(clientBucket(ip)).toBe(bucket);
  });
});
