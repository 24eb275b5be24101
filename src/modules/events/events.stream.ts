// What the live stream (GET /v1/stream) is told, in the transaction of the change: business
// events of the log are already rows it reads (events.tx_id); conversations changing and
// messages' delivery statuses are noted here, coalesced per subject. Either way, once the
// transaction commits, the merchant's streams are woken (platform/stream-wake.ts).
import { newId } from '../../domain/ids.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { wakeAfterCommit } from '../../platform/stream-wake.ts';
import { upsertStreamChanges, type StreamChangeInsert } from './stream-changes.repository.ts';

/** The business events a stream carries (besides conversation.updated and message.status). */
export const STREAM_EVENT_PREFIXES = ['order.', 'payment.', 'refund.', 'booking.'] as const;
export const isStreamEvent = (type: string): boolean => type === 'message.received' || STREAM_EVENT_PREFIXES.some((p) => type.startsWith(p));

export type StreamChange = Omit<StreamChangeInsert, 'positionId'>;

export async function noteStreamChanges(ctx: AppContext, tx: Tx, changes: StreamChange[]): Promise<void> {
  if (changes.length === 0) return;
  // One row per subject in one statement (ON CONFLICT may touch a row once per statement).
  const unique = new Map<string, StreamChange>();
  for (const c of changes) unique.set(`${c.merchantId}\u0000${c.type}\u0000${c.subjectId}`, c);
  await upsertStreamChanges(
    tx,
    [...unique.values()].map((c) => ({ ...c, positionId: newId('stc') })),
    ctx.clock.now(),
  );
  for (const m of new Set(changes.map((c) => c.merchantId))) wakeAfterCommit(ctx.stream, tx, m);
}

/**
 * Wakes the merchant's streams after `q` commits without writing anything they show: a
 * session, key or role changed, and each stream checks that it may still be open.
 */
export function wakeStreams(ctx: AppContext, q: Queryable, merchantId: string): void {
  wakeAfterCommit(ctx.stream, q, merchantId);
}
