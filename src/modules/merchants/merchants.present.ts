// API keys as the API shows them: the secret only once, at creation; the business settings.
import { z } from 'zod';
import type { BusinessSettings } from './merchants.business.ts';
import { iso } from '../../platform/http/page.ts';
import type { ApiKeyRow } from './merchants.repository.ts';

export function presentApiKey(k: ApiKeyRow, secret?: string) {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    prefix: k.prefix,
    created_at: iso(k.created_at),
    expires_at: iso(k.expires_at),
    revoked_at: iso(k.revoked_at),
    last_used_at: iso(k.last_used_at),
    ...(secret ? { key: secret } : {}),
  };
}

export const businessSettingsSchema = z
  .object({
    object: z.literal('business_settings'),
    name: z.string(),
    time_zone: z.string().describe('IANA time zone every day and time is read in (bookings, reports), e.g. Asia/Kolkata'),
    locale: z.string().describe('BCP 47 locale money and dates are written in, e.g. en-IN'),
    currency: z
      .string()
      .nullable()
      .describe("ISO 4217 default currency; until set, the currency of the merchant's latest product or order (null when it has none)"),
    currency_set: z.boolean().describe('true when the merchant set `currency`; false when it is observed from the catalog and orders'),
    updated_at: z.string(),
  })
  .describe('The business settings');

export function presentBusinessSettings(b: BusinessSettings): z.infer<typeof businessSettingsSchema> {
  return {
    object: 'business_settings',
    name: b.name,
    time_zone: b.time_zone,
    locale: b.locale,
    currency: b.currency,
    currency_set: b.currency_set,
    updated_at: new Date(b.updated_at).toISOString(),
  };
}
