// GET|PATCH /v1/settings/business: name, time zone (IANA), locale (BCP 47) and default
// currency (ISO 4217). The booking settings' time_zone is this one.
import { z } from 'zod';
import { getBusinessSettings, updateBusinessSettings } from '../merchants.business.ts';
import { businessSettingsSchema, presentBusinessSettings } from '../merchants.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const body = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  time_zone: z.string().min(1).max(64).optional().describe('IANA time zone, e.g. Asia/Kolkata'),
  locale: z.string().min(1).max(35).optional().describe('BCP 47 locale, e.g. en-IN'),
  currency: z.string().min(1).max(3).optional().describe('ISO 4217 code, e.g. INR'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/settings/business',
    { schema: { summary: 'Business settings: name, time zone, locale, default currency', response: { 200: businessSettingsSchema } } },
    async (req, reply) => reply.send(presentBusinessSettings(await getBusinessSettings(ctx.db, req.merchantId))),
  );
  app.patch(
    '/v1/settings/business',
    {
      schema: {
        summary: 'Update business settings (unknown time zones, locales and currencies are refused)',
        body,
        response: { 200: businessSettingsSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => updateBusinessSettings(ctx, tx, req.merchantId, req.body),
        present: presentBusinessSettings,
      }),
  );
}
