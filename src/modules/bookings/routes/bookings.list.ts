import { z } from 'zod';
import { listBookings } from '../bookings.manage.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import { presentBooking } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingListSchema } from '../bookings.present.ts';

const query = listQuery.extend({
  status: z.enum(['held', 'confirmed', 'cancelled', 'expired']).optional(),
  service_id: idParam('svc').shape.id.optional(),
  customer: idParam('cus').shape.id.optional().describe("One customer's bookings (cus_…)"),
  /** Bookings starting at or after `from` and before `to`. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/bookings',
    {
      schema: { response: { 200: bookingListSchema }, summary: 'List bookings, newest first (by status, service, customer, start range)', querystring: query },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = await listBookings(
        ctx.db,
        req.merchantId,
        {
          status: q.status,
          serviceId: q.service_id,
          customerId: q.customer,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
        },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      return reply.send(page(rows, q.limit, presentBooking));
    },
  );
}
