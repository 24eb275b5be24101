// The reports' SQL: counts and sums per day, where each day is given as its bounding
// instants (src/domain/reports/days.ts), so grouping needs no time zone in the database.
import type { Queryable } from '../../platform/store/db.ts';

export interface DayBounds {
  date: string;
  start: Date;
  end: Date;
}

const unnestDays = (from: number) => `unnest($${from}::text[], $${from + 1}::timestamptz[], $${from + 2}::timestamptz[]) as d(day, s, e)`;
const dayParams = (days: readonly DayBounds[]) => [days.map((d) => d.date), days.map((d) => d.start), days.map((d) => d.end)];

/** Orders created per day (every status). */
export async function ordersCreatedPerDay(q: Queryable, merchantId: string, days: readonly DayBounds[]): Promise<{ day: string; orders: number }[]> {
  return q.query(
    `select d.day, (select count(*) from orders o where o.merchant_id = $1 and o.created_at >= d.s and o.created_at < d.e)::int as orders
       from ${unnestDays(2)}`,
    [merchantId, ...dayParams(days)],
  );
}

export interface MoneyPerDay {
  day: string;
  currency: string;
  /** What paid orders that day (revenue + tax_payable credits), minor units. */
  paid: number;
  /** What was given back to customers of paid orders that day (the refunds account), minor units. */
  refunded: number;
  /** Orders that had money applied to them that day. */
  paid_orders: number;
}

/**
 * Money per day and currency, from the ledger: a transaction counts on the day it happened
 * (event_at). Only the accounts that make up what orders were paid and refunded are read.
 */
export async function ledgerMoneyPerDay(q: Queryable, merchantId: string, days: readonly DayBounds[]): Promise<MoneyPerDay[]> {
  return q.query<MoneyPerDay>(
    `select d.day, t.currency,
            coalesce(-sum(p.amount) filter (where p.account in ('revenue', 'tax_payable')), 0)::int8 as paid,
            coalesce(sum(p.amount) filter (where p.account = 'refunds'), 0)::int8 as refunded,
            count(distinct t.order_id) filter (where p.account in ('revenue', 'tax_payable') and p.amount < 0)::int as paid_orders
       from ${unnestDays(2)}
       join ledger_transactions t on t.merchant_id = $1 and t.event_at >= d.s and t.event_at < d.e
       join ledger_postings p on p.transaction_id = t.id
      where p.account in ('revenue', 'tax_payable', 'refunds')
      group by d.day, t.currency`,
    [merchantId, ...dayParams(days)],
  );
}
