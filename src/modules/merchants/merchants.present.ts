// API keys as the API shows them: the secret only once, at creation; the business settings.
import { z } from 'zod';
import type { BusinessSettings } from './merchants.business.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { ApiKeyRow } from './merchants.repository.ts';

export const apiKeySchema = z
  .object({
    id: z.string().describe('key_…'),
    object: z.literal('api_key'),
    name: z.string().nullable(),
    prefix: z.string().describe('The first characters of the key: enough to tell keys apart'),
    created_at: isoTime,
    expires_at: isoTime.nullable().describe('Set when a rotation gave the key a grace period'),
    revoked_at: isoTime.nullable(),
    last_used_at: isoTime.nullable(),
    key: z.string().optional().describe('The key itself: only in the answers of create and rotate'),
  })
  .meta({ id: 'ApiKey', description: 'An API key (the key itself is shown once)' });

export const apiKeyListSchema = listOf(apiKeySchema);

export const rotatedApiKeySchema = apiKeySchema.extend({ replaced: apiKeySchema.describe('The key it replaces') });

export function presentApiKey(k: ApiKeyRow, secret?: string): z.infer<typeof apiKeySchema> {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    prefix: k.prefix,
    created_at: iso(k.created_at)!,
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
    updated_at: isoTime,
  })
  .meta({ id: 'BusinessSettings', description: 'The business settings' });

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
