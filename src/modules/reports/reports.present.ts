// Reports as API objects, with the zod schemas their routes answer with (and OpenAPI shows).
import { z } from 'zod';
import type { DailyReport } from './reports.daily.ts';

const revenue = z.object({
  currency: z.string().describe('ISO 4217'),
  paid: z.number().int().describe('What paid orders that day (tax included), minor units'),
  refunded: z.number().int().describe('What was refunded to customers of paid orders that day, minor units'),
  amount: z.number().int().describe('paid − refunded, minor units'),
});

export const dailyReportSchema = z
  .object({
    object: z.literal('daily_report'),
    time_zone: z.string().describe('The business time zone the days are cut in'),
    from: z.string().describe('First day, YYYY-MM-DD'),
    to: z.string().describe('Last day (included), YYYY-MM-DD'),
    data: z.array(
      z.object({
        date: z.string().describe('YYYY-MM-DD in time_zone'),
        orders: z.number().int().describe('Orders created that day, whatever their status'),
        paid_orders: z.number().int().describe('Orders money was applied to that day'),
        revenue: z.array(revenue).describe('One entry per currency of the range; zeros on a day without money'),
      }),
    ),
    totals: z.object({ orders: z.number().int(), paid_orders: z.number().int(), revenue: z.array(revenue) }),
  })
  .meta({ id: 'DailyReport', description: 'Orders and revenue per day in the business time zone' });

export function presentDailyReport(r: DailyReport): z.infer<typeof dailyReportSchema> {
  return { object: 'daily_report', ...r };
}
