import { domainError } from '../../../domain/errors.ts';
import { getBooking } from '../bookings.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { presentBooking } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingSchema } from '../bookings.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/bookings/:id', { schema: { response: { 200: bookingSchema }, summary: 'Get a booking', params: idParam('bkg') } }, async (req, reply) => {
    const b = await getBooking(ctx.db, req.merchantId, req.params.id);
    return b ? reply.send(presentBooking(b)) : sendError(req, reply, domainError('not_found', `No booking ${req.params.id}`));
  });
}
