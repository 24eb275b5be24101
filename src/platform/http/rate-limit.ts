// Token buckets: `ratePerSecond` tokens refill continuously up to `burst`. The HTTP app
// keeps one per API key, one per merchant (all its keys together) and one of failed
// authentications per client address. Kept in process memory: each chatcart process
// enforces the limits on its own share of traffic (documented in docs/operations.md).
import net from 'node:net';

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    /** Milliseconds; any monotonic-enough source (the app passes its wall-clock port). */
    private readonly now: () => number = () => performance.now(),
    /** Past this many buckets, full ones are dropped, then the least recently used. */
    private readonly maxBuckets = 100_000,
  ) {}

  /** Seconds until `key` has a token (0: it has one now). Takes nothing. */
  wait(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(this.burst, b.tokens + ((this.now() - b.at) / 1000) * this.ratePerSecond);
    return tokens >= 1 ? 0 : (1 - tokens) / this.ratePerSecond;
  }

  /** Takes one token; returns 0 when allowed, else the seconds until one is available (and takes nothing). */
  take(key: string): number {
    const b = this.refill(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.ratePerSecond;
  }

  /**
   * Takes one token even if there is none: the bucket goes into debt (at most one burst
   * deep), which later requests wait out. For costs counted after the fact (a failed
   * authentication), so that many at once are paid for all the same.
   */
  charge(key: string): void {
    const b = this.refill(key);
    b.tokens = Math.max(-this.burst, b.tokens - 1);
  }

  private refill(key: string): { tokens: number; at: number } {
    const t = this.now();
    const found = this.buckets.get(key);
    const b = found ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
    b.at = t;
    // Re-inserted, so the map's order is least recently used first.
    if (found) this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxBuckets) this.evict(t);
    return b;
  }

  private evict(t: number) {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(k);
    }
    // Still too many (many clients, all in debt): forget the least recently used.
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxBuckets * 0.9) break;
      this.buckets.delete(k);
    }
  }
}

/**
 * The bucket of a client address: an IPv4 address as it is, an IPv6 address by the /64 it
 * is in (one host usually has a whole /64 to pick addresses from). IPv4-mapped IPv6
 * addresses count as their IPv4 address.
 */
export function clientBucket(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  if (!net.isIPv6(bare)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = bare.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const left = groups(head);
  const full = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - groups(tail).length).fill('0'), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
