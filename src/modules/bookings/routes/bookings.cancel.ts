// POST /v1/bookings/{id}/cancel: frees the slot; an unpaid deposit order is cancelled with it.
import { z } from 'zod';
import { cancelBooking } from '../bookings.manage.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { presentBooking } from '../bookings.present.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingSchema } from '../bookings.present.ts';

const body = z.strictObject({ reason: z.string().max(500).optional() }).optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/bookings/:id/cancel',
    { schema: { response: { 200: bookingSchema }, summary: 'Cancel a booking (its slot is free again)', params: idParam('bkg'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => cancelBooking(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body?.reason),
        present: presentBooking,
      }),
  );
}
