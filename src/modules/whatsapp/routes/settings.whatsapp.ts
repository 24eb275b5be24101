// GET|PATCH /v1/settings/whatsapp: the merchant's number, catalog, payment
// configurations, templates and default payment. The access token is write-only and
// sealed at rest; updating it resumes a queue paused by an invalid token (190).
import { z } from 'zod';
import { PROVIDER_METHODS, PROVIDERS } from '../../orders/index.ts';
import { getNumberByMerchant } from '../whatsapp.queries.ts';
import { presentWhatsAppSettings, whatsappSettingsSchema } from '../whatsapp.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { updateWhatsAppSettings } from '../whatsapp.settings.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const templateRef = z.strictObject({ name: z.string().min(1).max(512), language: z.string().min(2).max(15) });
const body = z.strictObject({
  phone_number_id: z
    .string()
    .regex(/^\d{1,32}$/, { message: 'must be the numeric phone number id from WhatsApp Manager' })
    .optional(),
  display_phone_number: z.string().max(32).optional(),
  waba_id: z
    .string()
    .regex(/^\d{1,32}$/)
    .optional(),
  catalog_id: z
    .string()
    .regex(/^\d{1,32}$/)
    .nullable()
    .optional(),
  access_token: z.string().min(10).max(4096).optional(),
  payment_configurations: z
    .array(z.strictObject({ name: z.string().min(1).max(60), provider: z.string().max(40).optional(), type: z.enum(['payment_gateway', 'upi']).optional() }))
    .max(20)
    .optional(),
  templates: z
    .strictObject({
      bill: templateRef.optional(),
      order_update: templateRef.optional(),
      /** Cash on delivery outside the window: body {{1}} the reference, {{2}} the total; quick replies 0 Confirm, 1 Cancel. */
      cod: templateRef.optional(),
    })
    .optional(),
  opt_out_words: z.array(z.string().min(1).max(40)).max(20).optional(),
  throughput_per_second: z.number().int().min(1).max(1000).optional(),
  // A provider's method: cash on delivery is chosen per order (POST /v1/orders), not as the default of carts and bookings.
  default_payment: z.strictObject({ method: z.enum(PROVIDER_METHODS), provider: z.enum(PROVIDERS) }).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/settings/whatsapp',
    { schema: { response: { 200: whatsappSettingsSchema }, summary: 'WhatsApp settings (the access token is never returned)' } },
    async (req, reply) => reply.send(await presentWhatsAppSettings(ctx, ctx.db, req.merchantId, await getNumberByMerchant(ctx.db, req.merchantId))),
  );

  app.patch('/v1/settings/whatsapp', { schema: { response: { 200: whatsappSettingsSchema }, summary: 'Update WhatsApp settings', body } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 200,
      run: (tx) => updateWhatsAppSettings(ctx, tx, req.merchantId, req.body),
      // Inside the transaction: on PGlite a query on the root handle here would deadlock.
      present: (n, tx) => presentWhatsAppSettings(ctx, tx, req.merchantId, n),
    }),
  );
}
