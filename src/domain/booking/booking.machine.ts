// A booking's `status` as data plus one pure function (design principle 4).
// docs/state-machines.md is generated from these tables (src/domain/transitions.doc.ts).
// A booking is made `held` (its deposit order's bill holds the slot) and follows that order
// (bookings.lifecycle.ts) or the merchant's cancel (bookings.ts). Events arrive late, twice
// and out of order, so a repeated or stale one changes nothing: only a held booking moves on
// an order event, and a cancelled or expired booking never takes its slot back.
import { domainError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';

export const BOOKING_STATUSES = ['held', 'confirmed', 'expired', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** A live booking takes its slot (the partial unique index bookings_live_slot). */
export const LIVE_BOOKING_STATUSES: readonly BookingStatus[] = ['held', 'confirmed'];

export const BOOKING_TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  held: ['confirmed', 'expired', 'cancelled'],
  // The merchant may still cancel a confirmed booking; its paid deposit stays paid.
  confirmed: ['cancelled'],
  // The slot is free again and may already be someone else's.
  expired: [],
  cancelled: [],
};

/**
 * What moves a booking. The order events come from its deposit order (in the order's
 * transaction); `merchant_cancel` is POST /v1/bookings/{id}/cancel or `chatcart bookings cancel`.
 */
export const BOOKING_EVENTS = ['order.paid', 'order.expired', 'order.canceled', 'merchant_cancel'] as const;
export type BookingEvent = (typeof BOOKING_EVENTS)[number];

/** The status each event asks for, and the business event recorded when it moves a booking. */
export const BOOKING_EVENT_TARGET: Record<BookingEvent, { to: BookingStatus; records: string }> = {
  'order.paid': { to: 'confirmed', records: 'booking.confirmed' },
  'order.expired': { to: 'expired', records: 'booking.expired' },
  'order.canceled': { to: 'cancelled', records: 'booking.cancelled' },
  merchant_cancel: { to: 'cancelled', records: 'booking.cancelled' },
};

/**
 * The statuses an event may move a booking from. Order events move only a held booking:
 * a late order.canceled after the deposit was paid does not cancel a confirmed booking,
 * and a late payment never revives an expired one.
 */
export const BOOKING_EVENT_FROM: Record<BookingEvent, readonly BookingStatus[]> = {
  'order.paid': ['held'],
  'order.expired': ['held'],
  'order.canceled': ['held'],
  merchant_cancel: ['held', 'confirmed'],
};

/**
 * Refused rather than ignored: a merchant asking to cancel a booking that already expired
 * is told so (409), since the slot was freed without them. Every other pair outside
 * BOOKING_EVENT_FROM is a stale or repeated event → unchanged.
 */
export const BOOKING_EVENT_REFUSED: Partial<Record<BookingEvent, readonly BookingStatus[]>> = {
  merchant_cancel: ['expired'],
};

export type BookingTransition = { kind: 'changed'; from: BookingStatus; to: BookingStatus; records: string } | { kind: 'unchanged'; status: BookingStatus };

/** Moves → changed (with the event to record); stale or repeated → unchanged; refused → invalid_transition. */
export function transitionBooking(from: BookingStatus, event: BookingEvent): Result<BookingTransition> {
  const target = BOOKING_EVENT_TARGET[event];
  if (BOOKING_EVENT_FROM[event].includes(from)) {
    // The tables agree by construction; a mismatch is a bug in them, caught by the tests.
    if (!BOOKING_TRANSITIONS[from].includes(target.to)) throw new Error(`booking table: ${from} → ${target.to} is not a transition`);
    return ok({ kind: 'changed', from, to: target.to, records: target.records });
  }
  if (BOOKING_EVENT_REFUSED[event]?.includes(from)) {
    return err(
      domainError('invalid_transition', `a booking that is ${from} cannot be cancelled: its slot is already free`, {
        from,
        to: target.to,
        allowed: BOOKING_TRANSITIONS[from],
      }),
    );
  }
  return ok({ kind: 'unchanged', status: from });
}
