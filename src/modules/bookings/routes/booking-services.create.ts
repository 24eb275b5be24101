// POST /v1/booking-services: a bookable service with weekly hours in the merchant's time zone.
import { z } from 'zod';
import { createBookingService } from '../bookings.manage.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { currencyCode, positiveAmount } from '../../../platform/http/schemas.ts';
import { presentBookingService } from '../bookings.present.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingServiceSchema } from '../bookings.present.ts';

const minutes = z.number().int('must be a whole number of minutes').min(5, 'at least 5 minutes').max(1440, 'at most 1440 minutes (a day)');
/** {"mon": [["09:00", "13:00"], …], …}; the use case checks days, times and overlaps. */
const weeklyHours = z.record(z.string().max(10), z.array(z.array(z.string().max(5)).max(2)).max(12));

export const bookingServiceBody = z.strictObject({
  name: z.string().min(1).max(200),
  duration_minutes: minutes,
  slot_minutes: minutes.optional(),
  deposit: positiveAmount,
  currency: currencyCode,
  weekly_hours: weeklyHours,
  active: z.boolean().optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/booking-services',
    { schema: { response: { 201: bookingServiceSchema }, summary: 'Create a bookable service', body: bookingServiceBody } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createBookingService(ctx, tx, req.merchantId, req.body),
        present: presentBookingService,
      }),
  );
}
