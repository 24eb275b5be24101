// Business events as the API shows them, with the zod schema their routes answer with.
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { EventRow } from './events.repository.ts';

export const eventSchema = z
  .object({
    id: z.string().describe('evt_…'),
    object: z.literal('event'),
    type: z.string().describe('e.g. order.created, order.paid, refund.succeeded'),
    order_id: z.string().nullable(),
    seq: z.number().int().nullable().describe("The order's gap-free sequence number: the order its changes committed in"),
    source: z.enum(['api', 'whatsapp', 'provider', 'job', 'cli']),
    actor: z.string().nullable().describe('Who made the change (key_…, usr_…), when a person or a key did'),
    data: z.record(z.string(), z.unknown()),
    previous: z.record(z.string(), z.unknown()).nullable().describe('The fields that changed, as they were'),
    created_at: isoTime,
  })
  .meta({ id: 'Event', description: 'A business event of the log' });

export const eventListSchema = listOf(eventSchema);

export function presentEvent(e: EventRow): z.infer<typeof eventSchema> {
  return {
    id: e.id,
    object: 'event',
    type: e.type,
    order_id: e.order_id,
    seq: e.seq,
    source: e.source,
    actor: e.actor,
    data: e.data,
    previous: e.previous,
    created_at: iso(e.created_at)!,
  };
}
