// Booking services and bookings as API objects. Times are ISO 8601 UTC; a booking also
// carries the time zone it was offered in, so clients can show the local time.
import { localIso } from '../../domain/booking/availability.ts';
import type { BookingRow, BookingServiceRow } from './bookings.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentBookingService(s: BookingServiceRow) {
  return {
    id: s.id,
    object: 'booking_service',
    name: s.name,
    duration_minutes: s.duration_minutes,
    slot_minutes: s.slot_minutes,
    deposit: s.deposit,
    currency: s.currency,
    weekly_hours: s.weekly_hours,
    active: s.active,
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
  };
}

export function presentBooking(b: BookingRow) {
  return {
    id: b.id,
    object: 'booking',
    service_id: b.service_id,
    status: b.status,
    customer: { id: b.customer_id, wa_id: b.customer_wa_id, name: b.customer_name },
    note: b.note,
    starts_at: iso(b.starts_at),
    ends_at: iso(b.ends_at),
    time_zone: b.time_zone,
    /** The start as the customer was offered it: local time with the zone's offset. */
    starts_at_local: localIso(b.starts_at, b.time_zone),
    hold_expires_at: iso(b.hold_expires_at),
    order_id: b.order_id,
    created_at: iso(b.created_at),
    updated_at: iso(b.updated_at),
  };
}
