import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { EnqueueInput } from '../../platform/jobs/jobs.repository.ts';
import { appendEvent, type EventRow } from './events.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { fansOut } from '../../domain/business-events.ts';
import { isStreamEvent } from './events.stream.ts';
import { wakeAfterCommit } from '../../platform/stream-wake.ts';

/** Appends to the event log inside the caller's transaction: the change and its record commit together. */
export function recordEvent(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  e: {
    merchantId: string;
    orderId?: string | null;
    type: string;
    data: Record<string, unknown>;
    previous?: Record<string, unknown> | null;
    /** Jobs the change queues, sent in the event's statement (the same transaction either way). */
    jobs?: readonly EnqueueInput[];
  },
): Promise<EventRow> {
  return appendEvent(tx, {
    id: newId('evt'),
    merchantId: e.merchantId,
    orderId: e.orderId ?? null,
    type: e.type,
    source: actor.source,
    actor: actor.id,
    data: e.data,
    previous: e.previous ?? null,
    now: ctx.clock.now(),
    // Outgoing webhooks: a fan-out job in this same transaction (and statement), only if someone listens.
    fanOutJobId: fansOut(e.type) ? newId('job') : undefined,
    jobs: e.jobs,
  }).then(async (row) => {
    // Followers react in this same transaction (a deposit order paid, expired or canceled moves its booking).
    for (const follow of ctx.eventFollowers) await follow(ctx, tx, row);
    // The row is the stream's too (events.tx_id): wake the merchant's streams once it commits.
    if (isStreamEvent(row.type)) wakeAfterCommit(ctx.stream, tx, row.merchant_id);
    return row;
  });
}
