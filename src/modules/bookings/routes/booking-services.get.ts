import { domainError } from '../../../domain/errors.ts';
import { getBookingService } from '../bookings.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { presentBookingService } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingServiceSchema } from '../bookings.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/booking-services/:id',
    { schema: { response: { 200: bookingServiceSchema }, summary: 'Get a bookable service', params: idParam('svc') } },
    async (req, reply) => {
      const s = await getBookingService(ctx.db, req.merchantId, req.params.id);
      return s ? reply.send(presentBookingService(s)) : sendError(req, reply, domainError('not_found', `No booking service ${req.params.id}`));
    },
  );
}
