// GET|PATCH /v1/settings/payments: what happens to money that should not be kept, and the
// reminders of unpaid bills (schedule, quiet hours, the template outside the window).
import { z } from 'zod';
import { checkReminderSchedule, HHMM, MAX_REMINDERS, MIN_REMINDER_SECONDS } from '../../../domain/payment/reminders.ts';
import { domainError } from '../../../domain/errors.ts';
import { getMerchantPolicies } from '../payments.policies.ts';
import { err, ok } from '../../../domain/result.ts';
import { updateMerchantSettings } from '../../merchants/index.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { paymentSettingsSchema, presentPaymentSettings } from '../payments.present.ts';

const hhmm = z.string().max(5).regex(HHMM, 'a time such as 21:00 (24-hour clock)');

const body = z.strictObject({
  review: z.enum(['refund', 'review']).optional(),
  extra_capture: z.enum(['refund', 'keep']).optional(),
  reminders: z
    .array(z.strictObject({ after_seconds: z.number().int().min(MIN_REMINDER_SECONDS).describe('Seconds after the bill was sent (at least 600)') }))
    .max(MAX_REMINDERS)
    .optional()
    .describe('Reminders of an unpaid bill, replacing the current ones (at most 3, increasing; [] turns them off)'),
  quiet_hours: z
    .strictObject({ start: hhmm, end: hhmm })
    .nullable()
    .optional()
    .describe('No reminder goes between start and end (business time zone); null: none'),
  reminder_template: z
    .string()
    .max(512)
    .regex(/^[a-z0-9_]+$/, "a template name as Meta writes it: lowercase letters, digits and '_'")
    .nullable()
    .optional()
    .describe('The approved template a reminder goes as outside the 24-hour window; null: no reminder outside it'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/settings/payments',
    {
      schema: {
        response: { 200: paymentSettingsSchema },
        summary: 'Payment policies (late/mismatched payments, extra captures) and the reminders of unpaid bills',
      },
    },
    async (req, reply) => reply.send(presentPaymentSettings(await getMerchantPolicies(ctx.db, req.merchantId))),
  );
  app.patch(
    '/v1/settings/payments',
    { schema: { response: { 200: paymentSettingsSchema }, summary: 'Update payment policies and bill reminders', body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: async (tx) => {
          const current = await getMerchantPolicies(tx, req.merchantId);
          const next = { ...current, ...req.body };
          const bad = checkReminderSchedule(next.reminders, next.quiet_hours);
          if (bad) return err(domainError('validation_error', bad.message, { path: bad.path }));
          await updateMerchantSettings(tx, req.merchantId, { payment_policies: next }, ctx.clock.now());
          return ok(await getMerchantPolicies(tx, req.merchantId));
        },
        present: presentPaymentSettings,
      }),
  );
}
