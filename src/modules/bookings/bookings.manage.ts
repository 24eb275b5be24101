// Booking services (a merchant resource), the merchant's booking settings (time zone,
// lead time, how far ahead, how long a deposit holds a slot), and a merchant cancelling
// a booking. Holding a slot from the flow is in bookings.hold.ts; what a deposit order's
// payment or expiry does to its booking is in bookings.lifecycle.ts.
import { checkWeeklyHours, isTimeZone } from '../../domain/booking/availability.ts';
import { transitionBooking } from '../../domain/booking/booking.machine.ts';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { isCurrency } from '../../domain/money.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import * as repo from './bookings.repository.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getMerchant, updateBusinessSettings, updateMerchantSettings } from '../merchants/index.ts';
import { getOrder } from '../orders/index.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordBookingEvent } from './bookings.lifecycle.ts';
import { cancelOrder } from '../orders/index.ts';

export interface BookingSettings {
  /** IANA zone the weekly hours are read in: the business time zone (GET /v1/settings/business). */
  time_zone: string;
  /** A slot must start at least this long after now to be offered. */
  min_lead_minutes: number;
  /** How many local dates, from today, the flow offers. */
  days_ahead: number;
  /** The deposit bill's lifetime, which is how long an unpaid slot stays held. */
  hold_minutes: number;
}

export const DEFAULT_BOOKING_SETTINGS: BookingSettings = { time_zone: 'UTC', min_lead_minutes: 60, days_ahead: 14, hold_minutes: 30 };

export async function getBookingSettings(q: Queryable, merchantId: string): Promise<BookingSettings> {
  const m = await getMerchant(q, merchantId);
  const { time_zone: _legacy, ...b } = (m?.settings['booking'] ?? {}) as Partial<BookingSettings>;
  const tz = m && isTimeZone(m.time_zone) ? m.time_zone : DEFAULT_BOOKING_SETTINGS.time_zone;
  return { ...DEFAULT_BOOKING_SETTINGS, ...b, time_zone: tz };
}

/** The booking settings; a time_zone given here is the business time zone (one source, kept for compatibility). */
export async function updateBookingSettings(ctx: AppContext, tx: Tx, merchantId: string, patch: Partial<BookingSettings>): Promise<Result<BookingSettings>> {
  const { time_zone, ...rest } = patch;
  if (time_zone !== undefined) {
    const r = await updateBusinessSettings(ctx, tx, merchantId, { time_zone });
    if (!r.ok) return r;
  }
  const { time_zone: _tz, ...current } = await getBookingSettings(tx, merchantId);
  await updateMerchantSettings(tx, merchantId, { booking: { ...current, ...rest } }, ctx.clock.now());
  return ok(await getBookingSettings(tx, merchantId));
}

export interface BookingServiceInput {
  name: string;
  duration_minutes: number;
  slot_minutes?: number | undefined;
  deposit: number;
  currency: string;
  weekly_hours: Record<string, unknown>;
  active?: boolean | undefined;
}

const invalid = (message: string, path: string) => err(domainError('validation_error', message, { path }));

export async function createBookingService(ctx: AppContext, tx: Tx, merchantId: string, input: BookingServiceInput): Promise<Result<repo.BookingServiceRow>> {
  if (!isCurrency(input.currency)) return invalid(`currency: ${input.currency} is not an ISO 4217 currency`, 'currency');
  const hours = checkWeeklyHours(input.weekly_hours);
  if (!hours.ok) return invalid(hours.error, 'weekly_hours');
  return ok(
    await repo.insertBookingService(tx, {
      id: newId('svc'),
      merchant_id: merchantId,
      name: input.name,
      duration_minutes: input.duration_minutes,
      slot_minutes: input.slot_minutes ?? input.duration_minutes,
      deposit: input.deposit,
      currency: input.currency,
      weekly_hours: hours.value as repo.BookingServiceRow['weekly_hours'],
      active: input.active ?? true,
      now: ctx.clock.now(),
    }),
  );
}

/** Changes apply to slots offered from now on; bookings already made keep their times. */
export async function updateBookingService(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  id: string,
  patch: Partial<Omit<BookingServiceInput, 'weekly_hours'>> & { weekly_hours?: Record<string, unknown> | undefined },
): Promise<Result<repo.BookingServiceRow>> {
  if (patch.currency !== undefined && !isCurrency(patch.currency)) return invalid(`currency: ${patch.currency} is not an ISO 4217 currency`, 'currency');
  let weekly: repo.BookingServiceRow['weekly_hours'] | undefined;
  if (patch.weekly_hours !== undefined) {
    const hours = checkWeeklyHours(patch.weekly_hours);
    if (!hours.ok) return invalid(hours.error, 'weekly_hours');
    weekly = hours.value as repo.BookingServiceRow['weekly_hours'];
  }
  const row = await repo.updateBookingService(tx, merchantId, id, { ...patch, weekly_hours: weekly }, ctx.clock.now());
  return row ? ok(row) : err(domainError('not_found', `No booking service ${id}`));
}

/**
 * The merchant cancels a booking: its slot is free again at once. An unpaid deposit
 * order is cancelled with it (its bill can no longer be paid); a paid deposit stays
 * paid, and refunding it is the merchant's call (POST /v1/orders/{id}/refunds).
 */
export async function cancelBooking(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string, reason?: string): Promise<Result<repo.BookingRow>> {
  const b = await repo.getBooking(tx, merchantId, id);
  if (!b) return err(domainError('not_found', `No booking ${id}`));
  // Already cancelled → unchanged (a replayed cancel answers the booking); expired → 409.
  const first = transitionBooking(b.status, 'merchant_cancel');
  if (!first.ok) return first;
  if (first.value.kind === 'unchanged') return ok(b);
  if (b.order_id) {
    const order = await getOrder(tx, merchantId, b.order_id);
    if (order && order.status === 'pending' && ['unpaid', 'failed'].includes(order.payment_status)) {
      // The order's own cancel records order.canceled, which cancels the booking (bookings.lifecycle.ts).
      const r = await cancelOrder(ctx, tx, actor, merchantId, order.id, reason ?? 'booking cancelled');
      if (!r.ok) return r;
    }
  }
  const locked = (await repo.getBooking(tx, merchantId, id, { forUpdate: true }))!;
  const t = transitionBooking(locked.status, 'merchant_cancel');
  if (!t.ok) return t;
  if (t.value.kind === 'unchanged') return ok(locked);
  const row = await repo.updateBooking(tx, merchantId, id, { status: t.value.to }, ctx.clock.now());
  await recordBookingEvent(ctx, tx, actor, row, t.value.records, locked.status, reason);
  return ok(row);
}

export interface BookingFilter {
  status?: repo.BookingStatus | undefined;
  serviceId?: string | undefined;
  customerId?: string | undefined;
  /** Bookings starting at or after `from` and before `to`. */
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A merchant's bookings, newest first (limit + 1 rows, so callers can tell there are more). */
export function listBookings(
  q: Queryable,
  merchantId: string,
  f: BookingFilter,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<repo.BookingRow[]> {
  return repo.listBookings(q, merchantId, f, page);
}
