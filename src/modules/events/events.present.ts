// Business events as the API shows them.
import { iso } from '../../platform/http/page.ts';
import type { EventRow } from './events.repository.ts';

export function presentEvent(e: EventRow) {
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
    created_at: iso(e.created_at),
  };
}
