// Refunds, payment policies and provider settings as the API shows them, with the zod
// schemas their routes answer with (and /openapi.json shows). Payment attempts are the
// orders module's (presentPayment).
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { MerchantPolicies } from './payments.policies.ts';
import type { RefundRow } from './refunds.repository.ts';

export const refundSchema = z
  .object({
    id: z.string().describe('rfd_…'),
    object: z.literal('refund'),
    order_id: z.string(),
    payment_id: z.string().describe('The payment attempt refunded'),
    amount: z.number().int().describe('Minor units of `currency`'),
    currency: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    kind: z.enum(['merchant', 'extra_capture', 'review']).describe('merchant: asked for; extra_capture and review: by the payment policies'),
    reason: z.string().nullable(),
    provider: z.string().nullable(),
    provider_refund_id: z.string().nullable(),
    failure_reason: z.string().nullable(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Refund', description: 'A refund of an order' });

export const refundListSchema = listOf(refundSchema);

export function presentRefund(r: RefundRow): z.infer<typeof refundSchema> {
  return {
    id: r.id,
    object: 'refund',
    order_id: r.order_id,
    payment_id: r.payment_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    kind: r.kind,
    reason: r.reason,
    provider: r.provider,
    provider_refund_id: r.provider_refund_id,
    failure_reason: r.failure_reason,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  };
}

export const paymentSettingsSchema = z
  .object({
    object: z.literal('payment_settings'),
    review: z.enum(['refund', 'review']).describe('A late or mismatched payment: refund it at once, or hold it for POST /v1/orders/{id}/review'),
    extra_capture: z.enum(['refund', 'keep']).describe('A second capture for a paid order: refund it, or keep it (flagged)'),
    reminders: z
      .array(z.object({ after_seconds: z.number().int().describe('Seconds after the bill was sent (at least 600)') }))
      .describe('Reminders of an unpaid bill (at most 3, increasing); empty: none'),
    quiet_hours: z
      .object({ start: z.string().describe('HH:MM'), end: z.string().describe('HH:MM') })
      .nullable()
      .describe('No reminder goes between start and end in the business time zone; one due then goes at the end'),
    reminder_template: z
      .string()
      .nullable()
      .describe(
        "The approved template a reminder goes as outside the 24-hour window (body: the bill's reference and amount; a URL button whose suffix is the pay link's token); null: no reminder then",
      ),
  })
  .meta({ id: 'PaymentSettings', description: 'What happens to money that should not be kept' });

export const presentPaymentSettings = (p: MerchantPolicies): z.infer<typeof paymentSettingsSchema> => ({ object: 'payment_settings', ...p });

export const providerSettingsSchema = z
  .object({
    object: z.literal('provider_settings'),
    provider: z.string(),
    configured: z.boolean(),
    webhook_url: z.string().describe("Where to point the provider's webhooks"),
  })
  .meta({ id: 'ProviderSettings', description: "A provider's credentials were set (they are never returned)" });

export const configuredProviderSchema = z.object({ provider: z.string(), configured: z.boolean(), updated_at: isoTime, webhook_url: z.string() });

export const configuredProviderListSchema = listOf(configuredProviderSchema);
