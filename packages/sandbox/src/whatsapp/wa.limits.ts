// Meta's sending limits, checked under the number's lock (wa.repository.ts lockNumber):
// throughput per number (whatsapp_numbers.throughput_per_second, over a sliding
// 1-second window of accepted outbound messages: 130429) and the pair rate limit per
// recipient (about one message per 6 s, bursts of 10: 131056). The 24-hour customer
// service window decides whether a free-form message will fail with 131047.
import { DETAILS, fail, type GraphFailure } from './wa.errors.ts';
import { countOutboundSince } from './wa.repository.ts';
import { PAIR_BURST, PAIR_REFILL_MS, WINDOW_MS, type WaCustomer } from './wa.types.ts';
import type { Queryable } from '../host.ts';

export async function checkThroughput(q: Queryable, phoneNumberId: string, perSecond: number, now: Date): Promise<GraphFailure | undefined> {
  const sent = await countOutboundSince(q, phoneNumberId, new Date(now.getTime() - 1000));
  if (sent < perSecond) return undefined;
  return fail(130429, DETAILS[130429], { subcode: 2494055 });
}

/** The pair bucket after refilling to `now`; take one token to send. */
export function pairTokens(c: Pick<WaCustomer, 'pair_tokens' | 'pair_refilled_at'> | undefined, now: Date): number {
  if (!c || c.pair_tokens === null || c.pair_refilled_at === null) return PAIR_BURST;
  const elapsed = Math.max(0, now.getTime() - new Date(c.pair_refilled_at).getTime());
  return Math.min(PAIR_BURST, c.pair_tokens + elapsed / PAIR_REFILL_MS);
}

export function checkPair(tokens: number): GraphFailure | undefined {
  return tokens >= 1 ? undefined : fail(131056, DETAILS[131056]);
}

/** True while the customer's last message is less than 24 h old. */
export function windowOpen(c: Pick<WaCustomer, 'last_inbound_at'> | undefined, now: Date): boolean {
  if (!c?.last_inbound_at) return false;
  return now.getTime() - new Date(c.last_inbound_at).getTime() < WINDOW_MS;
}

export function windowExpiresAt(c: Pick<WaCustomer, 'last_inbound_at'> | undefined): Date | null {
  return c?.last_inbound_at ? new Date(new Date(c.last_inbound_at).getTime() + WINDOW_MS) : null;
}
