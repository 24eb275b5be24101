// GET /v1/reports/daily?from=YYYY-MM-DD&to=YYYY-MM-DD: orders and revenue per day in the
// business time zone (at most 366 days; by default the last 30 days up to today).
import { z } from 'zod';
import { dailyReport } from '../reports.daily.ts';
import { dailyReportSchema, presentDailyReport } from '../reports.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const date = z.string().max(10).describe('YYYY-MM-DD in the business time zone');

const query = z.strictObject({
  from: date.optional().describe('First day (default: 29 days before `to`)'),
  to: date.optional().describe('Last day, included (default: today in the business time zone, or 29 days after `from`)'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/reports/daily',
    {
      schema: {
        summary: 'Orders and revenue per day in the business time zone (revenue: paid minus refunded, per currency, minor units; at most 366 days)',
        querystring: query,
        response: { 200: dailyReportSchema },
      },
    },
    async (req, reply) => {
      const r = await dailyReport(ctx, req.merchantId, req.query);
      if (!r.ok) return sendError(req, reply, r.error);
      return reply.send(presentDailyReport(r.value));
    },
  );
}
