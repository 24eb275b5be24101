import { z } from 'zod';
import { listBookingServices } from '../bookings.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import { presentBookingService } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingServiceListSchema } from '../bookings.present.ts';

const query = listQuery.extend({ active: z.enum(['true', 'false']).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/booking-services',
    { schema: { response: { 200: bookingServiceListSchema }, summary: 'List bookable services, newest first', querystring: query } },
    async (req, reply) => {
      const q = req.query;
      const rows = await listBookingServices(ctx.db, req.merchantId, {
        limit: q.limit,
        startingAfter: q.starting_after,
        active: q.active === undefined ? undefined : q.active === 'true',
      });
      return reply.send(page(rows, q.limit, presentBookingService));
    },
  );
}
