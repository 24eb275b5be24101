// Booking services, bookings and booking settings as API objects, with the zod schemas
// their routes answer with (and /openapi.json shows). Times are ISO 8601 UTC; a booking
// also carries the time zone it was offered in, so clients can show the local time.
import { z } from 'zod';
import { localIso } from '../../domain/booking/availability.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { BookingSettings } from './bookings.manage.ts';
import type { BookingRow, BookingServiceRow } from './bookings.repository.ts';

export const bookingServiceSchema = z
  .object({
    id: z.string().describe('svc_…'),
    object: z.literal('booking_service'),
    name: z.string(),
    duration_minutes: z.number().int(),
    slot_minutes: z.number().int().describe('How far apart the offered start times are'),
    deposit: z.number().int().describe('Minor units of `currency`'),
    currency: z.string(),
    weekly_hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))).describe('{"mon": [["09:00", "13:00"], …], …} in the business time zone'),
    active: z.boolean(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'BookingService', description: 'A bookable service' });

export const bookingServiceListSchema = listOf(bookingServiceSchema);

export function presentBookingService(s: BookingServiceRow): z.infer<typeof bookingServiceSchema> {
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
    created_at: iso(s.created_at)!,
    updated_at: iso(s.updated_at)!,
  };
}

export const bookingSchema = z
  .object({
    id: z.string().describe('bkg_…'),
    object: z.literal('booking'),
    service_id: z.string(),
    status: z.enum(['held', 'confirmed', 'cancelled', 'expired']),
    customer: z.object({ id: z.string().nullable().describe('cus_…'), wa_id: z.string().nullable(), name: z.string().nullable() }),
    note: z.string().nullable(),
    starts_at: isoTime,
    ends_at: isoTime,
    time_zone: z.string(),
    starts_at_local: z.string().describe('The start as the customer was offered it: local time with the zone offset'),
    hold_expires_at: isoTime.nullable(),
    order_id: z.string().nullable().describe('The deposit order'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Booking', description: 'A booking of a service' });

export const bookingListSchema = listOf(bookingSchema);

export function presentBooking(b: BookingRow): z.infer<typeof bookingSchema> {
  return {
    id: b.id,
    object: 'booking',
    service_id: b.service_id,
    status: b.status,
    customer: { id: b.customer_id, wa_id: b.customer_wa_id, name: b.customer_name },
    note: b.note,
    starts_at: iso(b.starts_at)!,
    ends_at: iso(b.ends_at)!,
    time_zone: b.time_zone,
    /** The start as the customer was offered it: local time with the zone's offset. */
    starts_at_local: localIso(b.starts_at, b.time_zone),
    hold_expires_at: iso(b.hold_expires_at),
    order_id: b.order_id,
    created_at: iso(b.created_at)!,
    updated_at: iso(b.updated_at)!,
  };
}

export const bookingSettingsSchema = z
  .object({
    object: z.literal('booking_settings'),
    time_zone: z.string().describe('The business time zone (IANA) the weekly hours are read in'),
    min_lead_minutes: z.number().int().describe('A slot must start at least this long after now to be offered'),
    days_ahead: z.number().int().describe('How many local dates, from today, the flow offers'),
    hold_minutes: z.number().int().describe("The deposit bill's lifetime: how long an unpaid slot stays held"),
  })
  .meta({ id: 'BookingSettings', description: 'How the booking flow offers times' });

export const presentBookingSettings = (s: BookingSettings): z.infer<typeof bookingSettingsSchema> => ({ object: 'booking_settings', ...s });
