// `chatcart bookings list|cancel`: the same use cases as GET /v1/bookings and
// POST /v1/bookings/{id}/cancel, with the same JSON objects under --json. A cancel that
// also cancels an unpaid deposit order queues its messages; running workers send them
// (with the embedded database, at the next `chatcart start`).
import { cancelBooking, listBookings, type BookingFilter } from '../../modules/bookings/index.ts';
import { inTransaction } from '../../platform/context.ts';
import { BOOKING_STATUSES, type BookingStatus } from '../../domain/booking/booking.machine.ts';
import type { DomainError } from '../../domain/errors.ts';
import type { Config } from '../../config.ts';
import { presentBooking } from '../../modules/bookings/index.ts';
import type { BookingRow } from '../../modules/bookings/index.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';

const USAGE = `usage: chatcart bookings list --merchant ID [--status ${BOOKING_STATUSES.join('|')}] [--from ISO --to ISO] [--json]
       chatcart bookings cancel --merchant ID --booking bkg_… [--reason TEXT] [--json]`;

const PAGE = 100;

function isoTime(v: string | undefined, name: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 time such as 2026-03-01T00:00:00Z`);
  return d;
}

function filterFrom(values: { status?: string | undefined; from?: string | undefined; to?: string | undefined }): BookingFilter {
  const status = values.status;
  if (status !== undefined && !BOOKING_STATUSES.includes(status as BookingStatus)) {
    throw new UsageError(`--status must be one of ${BOOKING_STATUSES.join(', ')}`);
  }
  const from = isoTime(values.from, 'from');
  const to = isoTime(values.to, 'to');
  if (from && to && from >= to) throw new UsageError('--from must be before --to');
  return { status: status as BookingStatus | undefined, from, to };
}

/** One line a person reads: id, status, local start, customer, deposit order. */
function line(b: BookingRow): string {
  const p = presentBooking(b);
  return [p.id, p.status.padEnd(9), p.starts_at_local, p.customer.name ?? p.customer.wa_id, p.order_id ?? '-'].join('  ');
}

/** Thrown inside the transaction so a refused cancel writes nothing. */
class Refused extends Error {
  constructor(readonly domain: DomainError) {
    super(domain.message);
  }
}

export async function runBookings(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    booking: { type: 'string' },
    status: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  });
  const sub = positionals[0];
  if ((sub !== 'list' && sub !== 'cancel') || positionals.length !== 1) throw new UsageError(USAGE);
  const merchantId = required(values.merchant, 'merchant');
  const filter = sub === 'list' ? filterFrom(values) : undefined;
  const bookingId = sub === 'cancel' ? required(values.booking, 'booking') : '';
  if (sub === 'cancel' && !/^bkg_[A-Za-z0-9]+$/.test(bookingId)) throw new UsageError('--booking must be a booking id (bkg_…)');
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    if (filter) {
      // Every page, newest first, so the command lists all matching bookings.
      const rows: BookingRow[] = [];
      for (let after: string | undefined; ; ) {
        const page = await listBookings(ctx.db, merchantId, filter, { limit: PAGE, startingAfter: after });
        rows.push(...page.slice(0, PAGE));
        if (page.length <= PAGE) break;
        after = page[PAGE - 1]!.id;
      }
      if (values.json) process.stdout.write(`${JSON.stringify(rows.map(presentBooking))}\n`);
      else process.stdout.write(rows.length === 0 ? 'No bookings.\n' : `${rows.map(line).join('\n')}\n`);
      return 0;
    }
    let row: BookingRow;
    try {
      row = await inTransaction(ctx, async (tx) => {
        const r = await cancelBooking(ctx, tx, cliActor, merchantId, bookingId, values.reason);
        if (!r.ok) throw new Refused(r.error);
        return r.value;
      });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      process.stderr.write(`chatcart: ${e.domain.message} (${e.domain.code})\n`);
      return e.domain.code === 'not_found' ? 2 : 1;
    }
    process.stdout.write(values.json ? `${JSON.stringify(presentBooking(row))}\n` : `Booking ${row.id} is ${row.status}.\n`);
  } finally {
    await ctx.close();
  }
  return 0;
}
