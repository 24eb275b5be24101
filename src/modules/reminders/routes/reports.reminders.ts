// GET /v1/reports/reminders?from=YYYY-MM-DD&to=YYYY-MM-DD: what unpaid-bill reminders did
// and recovered, over days in the business time zone (by default the last 30 days).
import { z } from 'zod';
import { reminderReport } from '../reminders.report.ts';
import { presentReminderReport, reminderReportSchema } from '../reminders.present.ts';
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
    '/v1/reports/reminders',
    {
      schema: {
        summary: 'Unpaid-bill reminders: how many went, and the orders (and money, per currency) paid after one',
        querystring: query,
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
