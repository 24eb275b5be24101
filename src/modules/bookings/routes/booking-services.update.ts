// PATCH /v1/booking-services/{id}: changes apply to times offered from now on; bookings keep theirs.
import { updateBookingService } from '../bookings.manage.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { bookingServiceBody } from './booking-services.create.ts';
import { presentBookingService } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingServiceSchema } from '../bookings.present.ts';

const patchBody = bookingServiceBody.partial();

export function register(app: App, { ctx }: RouteDeps) {
  app.patch(
    '/v1/booking-services/:id',
    { schema: { response: { 200: bookingServiceSchema }, summary: 'Update a bookable service', params: idParam('svc'), body: patchBody } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => updateBookingService(ctx, tx, req.merchantId, req.params.id, req.body),
        present: presentBookingService,
      }),
  );
}
