// Booking services and bookings (0007_flows.sql, 0011_booking.sql). Every query is keyed
// by merchant. A live booking (held or confirmed) takes its slot: the partial unique
// index bookings_live_slot makes two live bookings of one service's start impossible,
// and insertHeldBooking uses it to decide a race without aborting the transaction.
import type { BookingStatus } from '../../domain/booking/booking.machine.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface BookingServiceRow {
  id: string;
  merchant_id: string;
  name: string;
  duration_minutes: number;
  slot_minutes: number;
  deposit: number;
  currency: string;
  weekly_hours: Record<string, [string, string][]>;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type { BookingStatus };

export interface BookingRow {
  id: string;
  merchant_id: string;
  service_id: string;
  customer_id: string | null;
  customer_wa_id: string | null;
  customer_name: string | null;
  note: string | null;
  starts_at: Date;
  ends_at: Date;
  time_zone: string;
  status: BookingStatus;
  hold_expires_at: Date | null;
  order_id: string | null;
  flow_token: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertBookingService(q: Queryable, r: Omit<BookingServiceRow, 'created_at' | 'updated_at'> & { now: Date }): Promise<BookingServiceRow> {
  return (
    await q.query<BookingServiceRow>(
      `insert into booking_services (id, merchant_id, name, duration_minutes, slot_minutes, deposit, currency, weekly_hours, active, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $10) returning *`,
      [r.id, r.merchant_id, r.name, r.duration_minutes, r.slot_minutes, r.deposit, r.currency, JSON.stringify(r.weekly_hours), r.active, r.now],
    )
  )[0]!;
}

/** A service; forUpdate locks it so bookings of a service whose slots overlap take turns. */
export async function getBookingService(
  q: Queryable,
  merchantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<BookingServiceRow | undefined> {
  return (
    await q.query<BookingServiceRow>(`select * from booking_services where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [
      merchantId,
      id,
    ])
  )[0];
}

export async function listBookingServices(
  q: Queryable,
  merchantId: string,
  page: { limit: number; startingAfter?: string | undefined; active?: boolean | undefined },
): Promise<BookingServiceRow[]> {
  return q.query<BookingServiceRow>(
    `select * from booking_services where merchant_id = $1 and ($2::text is null or id < $2) and ($3::boolean is null or active = $3)
      order by id desc limit $4`,
    [merchantId, page.startingAfter ?? null, page.active ?? null, page.limit + 1],
  );
}

export type BookingServicePatch = Partial<
  Pick<BookingServiceRow, 'name' | 'duration_minutes' | 'slot_minutes' | 'deposit' | 'currency' | 'weekly_hours' | 'active'>
>;

export async function updateBookingService(
  q: Queryable,
  merchantId: string,
  id: string,
  patch: BookingServicePatch,
  now: Date,
): Promise<BookingServiceRow | undefined> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params, new Set(['weekly_hours']));
  return (
    await q.query<BookingServiceRow>(
      `update booking_services set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`,
      params,
    )
  )[0];
}

/** Live bookings (held or confirmed) of a service overlapping [from, to). */
export async function listLiveBookings(
  q: Queryable,
  merchantId: string,
  serviceId: string,
  from: Date,
  to: Date,
): Promise<Pick<BookingRow, 'starts_at' | 'ends_at'>[]> {
  return q.query<Pick<BookingRow, 'starts_at' | 'ends_at'>>(
    `select starts_at, ends_at from bookings where merchant_id = $1 and service_id = $2 and status in ('held', 'confirmed') and starts_at < $4 and ends_at > $3`,
    [merchantId, serviceId, from, to],
  );
}

/**
 * Holds a slot. Undefined when a live booking already has this service's start or this
 * flow token already has a booking: ON CONFLICT DO NOTHING waits for a racing insert to
 * commit or roll back, so exactly one of many concurrent holds gets a row, and the
 * others' transactions stay usable (no unique-violation abort).
 */
export async function insertHeldBooking(
  q: Queryable,
  r: Pick<
    BookingRow,
    | 'id'
    | 'merchant_id'
    | 'service_id'
    | 'customer_id'
    | 'customer_wa_id'
    | 'customer_name'
    | 'note'
    | 'starts_at'
    | 'ends_at'
    | 'time_zone'
    | 'hold_expires_at'
    | 'flow_token'
  > & { now: Date },
): Promise<BookingRow | undefined> {
  return (
    await q.query<BookingRow>(
      `insert into bookings (id, merchant_id, service_id, customer_wa_id, customer_name, note, starts_at, ends_at, time_zone, status, hold_expires_at, flow_token, created_at, updated_at, customer_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'held', $10, $11, $12, $12, $13)
       on conflict do nothing returning *`,
      [
        r.id,
        r.merchant_id,
        r.service_id,
        r.customer_wa_id,
        r.customer_name,
        r.note,
        r.starts_at,
        r.ends_at,
        r.time_zone,
        r.hold_expires_at,
        r.flow_token,
        r.now,
        r.customer_id,
      ],
    )
  )[0];
}

/** Removes a hold made in this same transaction whose deposit order could not be made (nobody else has seen it). */
export async function deleteUncommittedHold(q: Queryable, merchantId: string, id: string): Promise<void> {
  await q.query(`delete from bookings where merchant_id = $1 and id = $2 and status = 'held' and order_id is null`, [merchantId, id]);
}

export async function getBooking(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<BookingRow | undefined> {
  return (await q.query<BookingRow>(`select * from bookings where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id]))[0];
}

export async function getBookingByFlowToken(q: Queryable, merchantId: string, token: string): Promise<BookingRow | undefined> {
  return (await q.query<BookingRow>(`select * from bookings where merchant_id = $1 and flow_token = $2`, [merchantId, token]))[0];
}

/** The booking a deposit order pays for, locked: its order's change and its own commit together. */
export async function getBookingByOrder(q: Queryable, merchantId: string, orderId: string): Promise<BookingRow | undefined> {
  return (await q.query<BookingRow>(`select * from bookings where merchant_id = $1 and order_id = $2 for update`, [merchantId, orderId]))[0];
}

export async function listBookings(
  q: Queryable,
  merchantId: string,
  f: { status?: BookingStatus | undefined; from?: Date | undefined; to?: Date | undefined; serviceId?: string | undefined; customerId?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<BookingRow[]> {
  return q.query<BookingRow>(
    `select * from bookings where merchant_id = $1 and ($2::text is null or status = $2) and ($3::timestamptz is null or starts_at >= $3)
       and ($4::timestamptz is null or starts_at < $4) and ($5::text is null or service_id = $5) and ($6::text is null or id < $6)
       and ($8::text is null or customer_id = $8)
     order by id desc limit $7`,
    [merchantId, f.status ?? null, f.from ?? null, f.to ?? null, f.serviceId ?? null, page.startingAfter ?? null, page.limit + 1, f.customerId ?? null],
  );
}

export async function updateBooking(
  q: Queryable,
  merchantId: string,
  id: string,
  patch: Partial<Pick<BookingRow, 'status' | 'order_id' | 'hold_expires_at'>>,
  now: Date,
): Promise<BookingRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params);
  return (
    await q.query<BookingRow>(`update bookings set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0]!;
}
