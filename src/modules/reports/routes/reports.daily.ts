// GET /v1/reports/daily?from=YYYY-MM-DD&to=YYYY-MM-DD: orders and revenue per day in the
// business time zone (at most 366 days; by default the last 30 days up to today).
import { dailyReport } from '../reports.daily.ts';
import { dailyReportSchema, presentDailyReport } from '../reports.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { reportRangeQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/reports/daily',
    {
      schema: {
        summary: 'Orders and revenue per day in the business time zone (revenue: paid minus refunded, per currency, minor units; at most 366 days)',
        querystring: reportRangeQuery,
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
