// Live availability and the one point where a booking is made. createBookingFromToken
// is keyed by the flow token, so any completion path (the flow's final data_exchange, or
// an nfm_reply handler) can call it and a token yields at most one booking and one
// deposit order. In the caller's transaction it:
//   1. re-checks the slot against the service's hours, the lead time and live bookings;
//   2. holds the slot (insert `held` ON CONFLICT DO NOTHING): bookings_live_slot decides
//      a race for the same start; a loser gets `taken` and nothing else is written;
//   3. creates the deposit order through createOrder (bill queued as for every order)
//      and stores its id and expiry (= hold_expires_at) on the booking. If the order
//      cannot be made, the hold is deleted again: no orphan booking, no orphan order.
// Services whose slots overlap (slot_minutes < duration_minutes) lock the service row
// first, so overlap checks of concurrent holds take turns; the index covers equal starts.
import { datesOffered, describeStart, freeSlots, periodOf, type AvailabilityInput, type DatesOffered, type Slot } from '../../domain/booking/availability.ts';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import {
  deleteUncommittedHold,
  getBookingByFlowToken,
  getBookingService,
  insertHeldBooking,
  listLiveBookings,
  updateBooking,
  type BookingRow,
  type BookingServiceRow,
} from './bookings.repository.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getOrder, type OrderRow } from '../orders/index.ts';
import { recordBookingEvent } from './bookings.lifecycle.ts';
import { getBookingSettings, type BookingSettings } from './bookings.manage.ts';
import { learnCustomer } from '../customers/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { createOrder } from '../orders/index.ts';

async function availabilityInput(
  q: Queryable,
  service: BookingServiceRow,
  settings: BookingSettings,
  now: Date,
  from: string,
  days: number,
): Promise<AvailabilityInput> {
  const period = periodOf(settings.time_zone, from, days);
  const busy = await listLiveBookings(q, service.merchant_id, service.id, period.starts_at, period.ends_at);
  return { rules: service, zone: settings.time_zone, now, busy, leadMinutes: settings.min_lead_minutes };
}

/** The dates the flow offers for a service, from today in the merchant's zone. */
export async function offeredDates(q: Queryable, service: BookingServiceRow, settings: BookingSettings, now: Date): Promise<DatesOffered> {
  const today = datesOffered({ rules: service, zone: settings.time_zone, now, busy: [], leadMinutes: 0 }, 1).min_date;
  return datesOffered(await availabilityInput(q, service, settings, now, today, settings.days_ahead), settings.days_ahead);
}

/** Free slots of a local date, or [] when the date is outside the offered window. */
export async function openSlots(q: Queryable, service: BookingServiceRow, settings: BookingSettings, now: Date, date: string): Promise<Slot[]> {
  const window = datesOffered({ rules: service, zone: settings.time_zone, now, busy: [], leadMinutes: 0 }, settings.days_ahead);
  if (date < window.min_date || date > window.max_date) return [];
  return freeSlots(await availabilityInput(q, service, settings, now, date, 1), date);
}

export interface BookingRequest {
  merchantId: string;
  /** The customer; without it, the one holding waId. */
  customerId?: string;
  waId: string | null;
  token: string;
  serviceId: string;
  /** The local date the slot was chosen on, and the slot's id (its ISO start). */
  date: string;
  slotId: string;
  customerName: string;
  note: string | null;
}

export type BookingOutcome =
  | { kind: 'created' | 'existing'; booking: BookingRow; order: OrderRow; referenceId: string | null }
  /** Someone else holds the slot now, or it is no longer offered: choose again. */
  | { kind: 'taken' }
  | { kind: 'unavailable'; message: string };

export async function createBookingFromToken(ctx: AppContext, tx: Tx, r: BookingRequest): Promise<Result<BookingOutcome>> {
  const existing = await getBookingByFlowToken(tx, r.merchantId, r.token);
  if (existing?.order_id) {
    const order = (await getOrder(tx, r.merchantId, existing.order_id))!;
    return ok({ kind: 'existing', booking: existing, order, referenceId: null });
  }
  const probe = await getBookingService(tx, r.merchantId, r.serviceId);
  if (!probe || !probe.active) return ok({ kind: 'unavailable', message: 'That service is no longer offered.' });
  const service = probe.slot_minutes < probe.duration_minutes ? (await getBookingService(tx, r.merchantId, r.serviceId, { forUpdate: true }))! : probe;
  const settings = await getBookingSettings(tx, r.merchantId);
  const now = ctx.clock.now();
  const slot = (await openSlots(tx, service, settings, now, r.date)).find((s) => s.id === r.slotId);
  if (!slot) return ok({ kind: 'taken' });

  const customerId = r.customerId ?? (await learnCustomer(ctx, tx, r.merchantId, { waId: r.waId }))?.id;
  if (!customerId) return ok({ kind: 'unavailable', message: 'We could not tell who is booking.' });
  // The bill's lifetime is the hold: the merchant's hold time, but never past the slot's start.
  const expiresIn = Math.max(60, Math.min(settings.hold_minutes * 60, Math.floor((slot.starts_at.getTime() - now.getTime()) / 1000)));
  const held = await insertHeldBooking(tx, {
    id: newId('bkg'),
    merchant_id: r.merchantId,
    service_id: service.id,
    customer_id: customerId,
    customer_wa_id: r.waId,
    customer_name: r.customerName,
    note: r.note,
    starts_at: slot.starts_at,
    ends_at: slot.ends_at,
    time_zone: settings.time_zone,
    hold_expires_at: new Date(now.getTime() + expiresIn * 1000),
    flow_token: r.token,
    now,
  });
  if (!held) return ok({ kind: 'taken' });

  const when = describeStart(slot.starts_at, settings.time_zone);
  const order = await createOrder(ctx, tx, { source: 'whatsapp', id: r.waId ?? customerId }, r.merchantId, {
    customer: { id: customerId, name: r.customerName },
    currency: service.currency,
    items: [{ name: `Deposit: ${service.name}, ${when}`.slice(0, 200), amount: service.deposit, quantity: 1 }],
    goods_type: 'digital-goods',
    expires_in: expiresIn,
    send: true,
    metadata: {
      source: 'whatsapp_flow',
      flow: 'book_appointment',
      booking_id: held.id,
      service_id: service.id,
      service_name: service.name,
      starts_at: slot.id,
    },
  });
  if (!order.ok) {
    await deleteUncommittedHold(tx, r.merchantId, held.id);
    return err(domainError(order.error.code, order.error.message, order.error.details));
  }
  const booking = await updateBooking(tx, r.merchantId, held.id, { order_id: order.value.order.id, hold_expires_at: order.value.order.expires_at }, now);
  await recordBookingEvent(ctx, tx, { source: 'whatsapp', id: r.waId ?? customerId }, booking, 'booking.held', null);
  return ok({ kind: 'created', booking, order: order.value.order, referenceId: order.value.payment.reference_id });
}
