// GET|PATCH /v1/settings/payments: what happens to money that should not be kept.
import { z } from 'zod';
import { getMerchantPolicies } from '../payments.policies.ts';
import { ok } from '../../../domain/result.ts';
import { updateMerchantSettings } from '../../merchants/index.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { paymentSettingsSchema, presentPaymentSettings } from '../payments.present.ts';

const body = z.strictObject({ review: z.enum(['refund', 'review']).optional(), extra_capture: z.enum(['refund', 'keep']).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/settings/payments',
    {
      schema: {
        response: { 200: paymentSettingsSchema },
        summary: 'Payment policies: refund late/mismatched payments and extra captures automatically, or hold them',
      },
    },
    async (req, reply) => reply.send(presentPaymentSettings(await getMerchantPolicies(ctx.db, req.merchantId))),
  );
  app.patch('/v1/settings/payments', { schema: { response: { 200: paymentSettingsSchema }, summary: 'Update payment policies', body } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 200,
      run: async (tx) => {
        const current = await getMerchantPolicies(tx, req.merchantId);
        await updateMerchantSettings(tx, req.merchantId, { payment_policies: { ...current, ...req.body } }, ctx.clock.now());
        return ok(await getMerchantPolicies(tx, req.merchantId));
      },
      present: presentPaymentSettings,
    }),
  );
}
