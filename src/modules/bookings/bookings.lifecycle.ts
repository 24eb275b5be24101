// What a deposit order's fate does to its booking, in the transaction that changes the
// order. The composition root registers followOrderEvent as an event follower, and
// recordEvent (events/events.record.ts) calls it for every event it appends, so
// whichever path pays, expires or cancels an order (provider webhook, lookup, expiry
// job, API, CLI), the booking follows in the same commit, without those paths knowing
// bookings exist:
//   order.paid              held → confirmed
//   order.expired           held → expired   (the slot is free again)
//   order.canceled          held → cancelled (the slot is free again)
// Only a held booking moves. A payment that lands after the order expired does not
// produce order.paid: the payment rules send the order to manual_review (and, by the
// default policy, refund it), and the booking stays expired, because its slot may
// already belong to someone else. The same holds for a review accepted later.
import { BOOKING_EVENTS, transitionBooking, type BookingEvent, type BookingStatus } from '../../domain/booking/booking.machine.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getBookingByOrder, updateBooking, type BookingRow } from './bookings.repository.ts';
import type { Actor, AppContext, LoggedEvent } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';

// Only the deposit order's events are followed here; merchant_cancel is bookings.ts's.
const isOrderEvent = (type: string): type is BookingEvent => type.startsWith('order.') && (BOOKING_EVENTS as readonly string[]).includes(type);

export async function followOrderEvent(ctx: AppContext, tx: Tx, ev: LoggedEvent): Promise<void> {
  if (!isOrderEvent(ev.type) || !ev.order_id) return;
  const b = await getBookingByOrder(tx, ev.merchant_id, ev.order_id);
  if (!b) return;
  // The machine decides (booking.machine.ts): only a held booking moves; order events are never refused.
  const t = transitionBooking(b.status, ev.type);
  if (!t.ok || t.value.kind === 'unchanged') return;
  const row = await updateBooking(tx, b.merchant_id, b.id, { status: t.value.to }, ctx.clock.now());
  await recordBookingEvent(
    ctx,
    tx,
    { source: ev.source, id: ev.actor },
    row,
    t.value.records,
    b.status,
    typeof ev.data['reason'] === 'string' ? ev.data['reason'] : undefined,
  );
}

/** booking.* in the deposit order's timeline (so it carries the order's sequence number and snapshot). */
export async function recordBookingEvent(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  b: BookingRow,
  type: string,
  previous: BookingStatus | null,
  reason?: string,
): Promise<void> {
  await recordEvent(ctx, tx, actor, {
    merchantId: b.merchant_id,
    orderId: b.order_id,
    type,
    data: {
      booking_id: b.id,
      service_id: b.service_id,
      status: b.status,
      starts_at: b.starts_at.toISOString(),
      ends_at: b.ends_at.toISOString(),
      time_zone: b.time_zone,
      ...(b.hold_expires_at ? { hold_expires_at: b.hold_expires_at.toISOString() } : {}),
      ...(reason ? { reason } : {}),
    },
    previous: previous ? { status: previous } : null,
  });
}
