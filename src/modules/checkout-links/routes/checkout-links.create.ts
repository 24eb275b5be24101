import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { currencyCode, positiveAmount } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { createLink } from '../checkout-links.manage.ts';
import { checkoutLinkSchema, presentLink } from '../checkout-links.present.ts';

export const linkFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullable().optional(),
  amount: positiveAmount.optional(),
  amount_range: z.strictObject({ min: positiveAmount, max: positiveAmount }).optional(),
  retailer_ids: z.array(z.string().min(1).max(100)).min(1).max(30).optional(),
  max_payments: z.number().int().min(1).max(1_000_000).nullable().optional(),
  expires_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with an offset' }).nullable().optional(),
  active: z.boolean().optional(),
};

const body = z.strictObject({ ...linkFields, currency: currencyCode });

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/checkout-links',
    { schema: { summary: 'Create a checkout link (a fixed amount, an amount range, or products)', body, response: { 201: checkoutLinkSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createLink(ctx, tx, req.merchantId, req.body),
        present: (l) => presentLink(l, ctx.publicUrl, ctx.clock.now()),
      }),
  );
}
