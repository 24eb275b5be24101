// GET|PATCH /v1/settings/booking: the merchant's time zone (IANA, merchants.settings.time_zone)
// and how the booking flow offers times.
import { z } from 'zod';
import { getBookingSettings, updateBookingSettings } from '../bookings.manage.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { bookingSettingsSchema, presentBookingSettings } from '../bookings.present.ts';

const body = z.strictObject({
  time_zone: z.string().min(1).max(64).optional(),
  min_lead_minutes: z.number().int().min(0).max(10_080).optional(),
  days_ahead: z.number().int().min(1).max(90).optional(),
  hold_minutes: z.number().int().min(5).max(1440).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/settings/booking',
    { schema: { response: { 200: bookingSettingsSchema }, summary: 'Booking settings: time zone, lead time, days offered, deposit hold' } },
    async (req, reply) => reply.send(presentBookingSettings(await getBookingSettings(ctx.db, req.merchantId))),
  );
  app.patch('/v1/settings/booking', { schema: { response: { 200: bookingSettingsSchema }, summary: 'Update booking settings', body } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 200,
      run: (tx) => updateBookingSettings(ctx, tx, req.merchantId, req.body),
      present: presentBookingSettings,
    }),
  );
}
