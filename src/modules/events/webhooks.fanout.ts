// From the event log to per-endpoint deliveries. recordEvent enqueues a `webhooks.fanout`
// job with the event's own insert (events.repository), only for business events of a
// merchant with an enabled endpoint; the job creates one delivery per subscribed
// endpoint and one `webhooks.deliver` job each, in one transaction, and wakes the
// workers, so the first attempt starts right after the commit.
import { fansOut, matchesEventFilter } from '../../domain/business-events.ts';
import { newId } from '../../domain/ids.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { enqueueJobs } from '../../platform/jobs/jobs.repository.ts';
import { getEventById, upsertDeliveries, type DeliveryRow } from './webhook-deliveries.repository.ts';
import { listEnabledEndpoints } from './webhook-endpoints.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';
import { businessEventBody } from './webhooks.payload.ts';

export const deliverDedupeKey = (d: Pick<DeliveryRow, 'id' | 'round'>, attempt: number) => `webhooks.deliver:${d.id}:${d.round}.${attempt}`;

/** Queues the next attempt of each delivery (in the caller's transaction). */
export async function enqueueDeliveryJobs(q: Queryable, deliveries: DeliveryRow[], runAt: Date): Promise<void> {
  await enqueueJobs(
    q,
    deliveries.map((d) => ({
      kind: 'webhooks.deliver',
      merchantId: d.merchant_id,
      payload: { delivery_id: d.id, round: d.round, attempt: d.attempts + 1 },
      runAt,
      // The handler records its own outcome and schedules retries as new jobs; the
      // runner's retries only cover crashes between the send and that record.
      maxAttempts: 5,
      dedupeKey: deliverDedupeKey(d, d.attempts + 1),
    })),
  );
}

export async function fanOutEvent(ctx: AppContext, merchantId: string, eventId: string): Promise<number> {
  const ev = await getEventById(ctx.db, merchantId, eventId);
  if (!ev || !fansOut(ev.type)) return 0;
  const endpoints = (await listEnabledEndpoints(ctx.db, merchantId)).filter((e) => matchesEventFilter(e.events, ev.type));
  if (endpoints.length === 0) return 0;
  const body = await businessEventBody(ctx, ctx.db, ev);
  if (body === null) return 0;
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const created = await upsertDeliveries(
      tx,
      merchantId,
      endpoints.map((e) => ({ id: newId('whd'), endpointId: e.id, eventId: ev.id, eventType: ev.type, payload: body })),
      { now, replay: false },
    );
    await enqueueDeliveryJobs(tx, created, now);
    return created.length;
  });
}
