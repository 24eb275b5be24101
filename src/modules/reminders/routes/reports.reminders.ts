// GET /v1/reports/reminders?from=YYYY-MM-DD&to=YYYY-MM-DD: what unpaid-bill reminders did
// and recovered, over days in the business time zone (by default the last 30 days).
import { reminderReport } from '../reminders.report.ts';
import { presentReminderReport, reminderReportSchema } from '../reminders.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { reportRangeQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/reports/reminders',
    {
      schema: {
        summary: 'Unpaid-bill reminders: how many went, and the orders (and money, per currency) paid after one',
        querystring: reportRangeQuery,
        response: { 200: reminderReportSchema },
      },
    },
    async (req, reply) => {
      const r = await reminderReport(ctx, req.merchantId, req.query);
      if (!r.ok) return sendError(req, reply, r.error);
      return reply.send(presentReminderReport(r.value));
    },
  );
}
