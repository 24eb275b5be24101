// Meta's per-number throughput limit (80 messages/s by default, up to 1,000), held
// across every process that sends for the number. Tokens come from one shared
// bucket row, leased a few at a time (one UPDATE per batch, no lock per message),
// and a leased token is used within LEASE_TTL_MS or dropped.
//
// Safety margin: the bucket refills at 70% of the limit with a burst of 10%, so in
// any one-second window at most 0.1·L + 0.7·L·(1 + LEASE_TTL) ≈ 0.975·L messages go
// out, even with a lease used at the end of its life.
import type { Queryable } from '../../platform/store/db.ts';
import { leaseTokens } from '../../platform/store/rate-buckets.repository.ts';

export const LEASE_TTL_MS = 250;

export function bucketFor(limitPerSecond: number) {
  const rate = limitPerSecond * 0.7;
  return { rate, capacity: Math.max(1, Math.floor(limitPerSecond * 0.1)), batch: Math.max(1, Math.min(20, Math.floor(limitPerSecond / 20))) };
}

export class SendBudget {
  private readonly local = new Map<string, { tokens: number; until: number }>();
  constructor(private readonly now: () => Date) {}

  /** 0 when a token was taken; otherwise the milliseconds to wait before asking again. */
  async take(q: Queryable, phoneNumberId: string, limitPerSecond: number): Promise<number> {
    const t = this.now().getTime();
    const held = this.local.get(phoneNumberId);
    if (held && held.tokens > 0 && held.until > t) {
      held.tokens--;
      return 0;
    }
    const b = bucketFor(limitPerSecond);
    const granted = await leaseTokens(q, `whatsapp.send:${phoneNumberId}`, { want: b.batch, rate: b.rate, capacity: b.capacity, now: new Date(t) });
    if (granted === 0) return Math.ceil(1000 / b.rate);
    this.local.set(phoneNumberId, { tokens: granted - 1, until: t + LEASE_TTL_MS });
    return 0;
  }
}
