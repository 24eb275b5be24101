// What reminders did, for the console: over days in the business time zone (the daily
// report's range rules), the reminders acted on, how many WhatsApp took, and the orders
// paid after a reminder with the money that paid them (per currency).
import { resolveReportRange } from '../../domain/reports/days.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import { getBusinessSettings } from '../merchants/index.ts';
import { paidAfterReminders, reminderTotals, type ReminderTotals } from './reminders.repository.ts';

export interface ReminderReport extends ReminderTotals {
  time_zone: string;
  from: string;
  to: string;
  paid_after: number;
  recovered: { currency: string; amount: number; orders: number }[];
}

export async function reminderReport(
  ctx: AppContext,
  merchantId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<Result<ReminderReport>> {
  const zone = (await getBusinessSettings(ctx.db, merchantId)).time_zone;
  const resolved = resolveReportRange(zone, range, ctx.clock.now());
  if (!resolved.ok) return err(domainError('validation_error', resolved.error.message, { path: resolved.error.path }));
  const r = resolved.value;
  const start = r.days[0]!.start;
  const end = r.days.at(-1)!.end;
  const totals = await reminderTotals(ctx.db, merchantId, start, end);
  const paid = await paidAfterReminders(ctx.db, merchantId, start, end);
  return ok({ time_zone: zone, from: r.from, to: r.to, ...totals, paid_after: paid.orders, recovered: paid.recovered });
}
