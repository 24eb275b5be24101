// The body of a business event: the log row plus a snapshot of what it is about (its
// order and payment, read through ctx.eventSubjects), frozen in the delivery.
import { toBusinessEvent } from '../../domain/business-events.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import type { EventRow } from './events.repository.ts';

export async function businessEventBody(ctx: Pick<AppContext, 'eventSubjects'>, q: Queryable, ev: EventRow): Promise<string | null> {
  const b = toBusinessEvent(ev, await ctx.eventSubjects(q, ev.merchant_id, ev));
  return b ? JSON.stringify(b) : null;
}
