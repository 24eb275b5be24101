// Orders and revenue per day in the business time zone: what the console's Today page and
// its last-30-days chart show. Revenue is the ledger's: money that paid orders (tax
// included) minus refunds to customers of paid orders, on the day each happened; provider
// fees, disputes and captures held for review are not in it.
import { resolveReportRange } from '../../domain/reports/days.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import { getBusinessSettings } from '../merchants/index.ts';
import { ledgerMoneyPerDay, ordersCreatedPerDay } from './reports.repository.ts';

export interface Revenue {
  currency: string;
  paid: number;
  refunded: number;
  amount: number;
}

export interface DailyRow {
  date: string;
  orders: number;
  paid_orders: number;
  revenue: Revenue[];
}

export interface DailyReport {
  time_zone: string;
  from: string;
  to: string;
  data: DailyRow[];
  totals: { orders: number; paid_orders: number; revenue: Revenue[] };
}

export async function dailyReport(
  ctx: AppContext,
  merchantId: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<Result<DailyReport>> {
  const business = await getBusinessSettings(ctx.db, merchantId);
  const zone = business.time_zone;
  const resolved = resolveReportRange(zone, range, ctx.clock.now());
  if (!resolved.ok) return err(domainError('validation_error', resolved.error.message, { path: resolved.error.path }));
  const r = resolved.value;
  const [orders, money] = [await ordersCreatedPerDay(ctx.db, merchantId, r.days), await ledgerMoneyPerDay(ctx.db, merchantId, r.days)];
  // Every day lists the same currencies (those with money in the range, else the business
  // currency), so a day with nothing is zeros, not an empty list.
  const currencies = [...new Set(money.map((m) => m.currency))].sort();
  if (currencies.length === 0 && business.currency) currencies.push(business.currency);
  const byDay = new Map<string, Map<string, (typeof money)[number]>>();
  for (const m of money) {
    const day = byDay.get(m.day) ?? new Map();
    day.set(m.currency, m);
    byDay.set(m.day, day);
  }
  const ordersByDay = new Map(orders.map((o) => [o.day, o.orders]));
  const data = r.days.map(({ date }) => {
    const day = byDay.get(date);
    const revenue = currencies.map((currency) => {
      const m = day?.get(currency);
      const paid = m?.paid ?? 0;
      const refunded = m?.refunded ?? 0;
      return { currency, paid, refunded, amount: paid - refunded };
    });
    const paidOrders = [...(day?.values() ?? [])].reduce((n, m) => n + m.paid_orders, 0);
    return { date, orders: ordersByDay.get(date) ?? 0, paid_orders: paidOrders, revenue };
  });
  const totals = {
    orders: data.reduce((n, d) => n + d.orders, 0),
    paid_orders: data.reduce((n, d) => n + d.paid_orders, 0),
    revenue: currencies.map((currency) => {
      const rows = data.map((d) => d.revenue.find((x) => x.currency === currency)!);
      const paid = rows.reduce((n, x) => n + x.paid, 0);
      const refunded = rows.reduce((n, x) => n + x.refunded, 0);
      return { currency, paid, refunded, amount: paid - refunded };
    }),
  };
  return ok({ time_zone: zone, from: r.from, to: r.to, data, totals });
}
