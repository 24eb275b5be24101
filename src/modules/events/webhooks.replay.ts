// Manual replay (API and CLI): one event, or every event of a time range the endpoint
// subscribes to. A delivered or failed delivery starts a new round with the same
// webhook-id (the event id) and the same body; an event the endpoint never got gets
// a delivery now, its body built at the first attempt.
import { fansOut, matchesEventFilter } from '../../domain/business-events.ts';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getEventById, listEventsBetween, upsertDeliveries } from './webhook-deliveries.repository.ts';
import { getEndpoint } from './webhook-endpoints.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from './events.record.ts';
import { enqueueDeliveryJobs } from './webhooks.fanout.ts';
import { MAX_REPLAY_EVENTS } from './webhooks.policy.ts';

export type ReplayInput = { eventId: string } | { from: Date; to: Date };

export interface ReplayResult {
  endpoint_id: string;
  replayed: number;
  /** The first 100 replayed event ids (a range can hold thousands). */
  event_ids: string[];
}

export async function replayEvents(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  endpointId: string,
  input: ReplayInput,
): Promise<Result<ReplayResult>> {
  const ep = await getEndpoint(tx, merchantId, endpointId);
  if (!ep) return err(domainError('not_found', `No webhook endpoint ${endpointId}`));
  if (!ep.enabled)
    return err(domainError('conflict', `Webhook endpoint ${endpointId} is disabled (${ep.disabled_reason ?? 'merchant'}); enable it before replaying`));
  let events: { id: string; type: string }[];
  if ('eventId' in input) {
    const ev = await getEventById(tx, merchantId, input.eventId);
    if (!ev) return err(domainError('not_found', `No event ${input.eventId}`));
    if (!fansOut(ev.type) || !matchesEventFilter(ep.events, ev.type)) {
      return err(domainError('validation_error', `event_id: endpoint ${endpointId} does not receive ${ev.type} events`, { path: 'event_id' }));
    }
    events = [ev];
  } else {
    if (!(input.from < input.to)) return err(domainError('validation_error', 'from must be before to', { path: 'from' }));
    const rows = await listEventsBetween(tx, merchantId, input.from, input.to, MAX_REPLAY_EVENTS);
    if (rows.length > MAX_REPLAY_EVENTS)
      return err(domainError('validation_error', `the range holds more than ${MAX_REPLAY_EVENTS} events; replay it in smaller ranges`, { path: 'to' }));
    events = rows.filter((e) => fansOut(e.type) && matchesEventFilter(ep.events, e.type));
  }
  const now = ctx.clock.now();
  const pending = await upsertDeliveries(
    tx,
    merchantId,
    events.map((e) => ({ id: newId('whd'), endpointId, eventId: e.id, eventType: e.type, payload: null })),
    { now, replay: true },
  );
  await enqueueDeliveryJobs(tx, pending, now);
  const scope = 'eventId' in input ? { event_id: input.eventId } : { from: input.from.toISOString(), to: input.to.toISOString() };
  await recordEvent(ctx, tx, actor, { merchantId, type: 'webhook_endpoint.replayed', data: { endpoint_id: endpointId, ...scope, replayed: pending.length } });
  return ok({ endpoint_id: endpointId, replayed: pending.length, event_ids: pending.slice(0, 100).map((d) => d.event_id) });
}
