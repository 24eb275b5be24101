// The auto-replies settings as the API shows and takes them (GET|PUT /v1/settings/auto-replies).
import { z } from 'zod';
import type { AutoReplySettings, KeywordReply } from '../../domain/auto-replies.ts';
import { iso, isoTime } from '../../platform/http/page.ts';

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((t) => t.trim().length > 0, { message: 'must not be blank' });
const retailerId = z.string().min(1).max(100);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'must be a time such as 09:00 (24:00 closes at midnight)' });

export const keywordReplySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), text: text(4096) }),
    z.strictObject({
      type: z.literal('flow'),
      flow: z.string().min(1).max(100),
      flow_id: z
        .string()
        .regex(/^\d{1,32}$/, { message: 'must be the numeric Flow id from WhatsApp Manager' })
        .optional(),
    }),
    z.strictObject({ type: z.literal('catalog'), body: text(1024), thumbnail_retailer_id: retailerId.optional() }),
    z.strictObject({
      type: z.literal('product_list'),
      header: text(60),
      body: text(1024),
      sections: z
        .array(z.strictObject({ title: text(24).optional(), retailer_ids: z.array(retailerId).min(1).max(30) }))
        .min(1)
        .max(10),
    }),
  ])
  .describe('A text, a flow, the catalog or a product list');

const hours = z
  .partialRecord(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']), z.array(z.tuple([hhmm, hhmm])).max(12))
  .describe('Opening hours per weekday in the business time_zone, e.g. {"mon": [["09:00", "18:00"]]}; away answers outside them');

const toggle = z.strictObject({ enabled: z.boolean(), text: text(4096).nullable().optional() });

export const autoRepliesBody = z.strictObject({
  greeting: toggle.optional(),
  away: z.strictObject({ enabled: z.boolean(), text: text(4096).nullable().optional(), hours: hours.optional() }).optional(),
  keywords: z
    .array(z.strictObject({ match: z.string().min(1).max(200).describe('A word or phrase, matched normalized (never a pattern)'), reply: keywordReplySchema }))
    .max(200)
    .optional(),
  fallback: toggle.optional(),
  resume_after_minutes: z.number().int().min(1).max(10080).optional(),
});
export type AutoRepliesInput = z.infer<typeof autoRepliesBody>;

export const autoRepliesSchema = z
  .object({
    object: z.literal('auto_replies'),
    greeting: z.object({ enabled: z.boolean(), text: z.string().nullable() }),
    away: z.object({ enabled: z.boolean(), text: z.string().nullable(), hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))) }),
    keywords: z.array(z.object({ match: z.string(), reply: keywordReplySchema })),
    fallback: z.object({ enabled: z.boolean(), text: z.string().nullable() }),
    resume_after_minutes: z.number().int(),
    time_zone: z.string().describe('The business time zone the hours are read in (GET|PATCH /v1/settings/business)'),
    updated_at: isoTime.nullable(),
  })
  .meta({ id: 'AutoReplies', description: 'Automatic replies: greeting, away by business hours, keywords, fallback' });

export function presentAutoReplies(
  s: AutoReplySettings,
  keywords: { match: string; reply: KeywordReply }[],
  timeZone: string,
  updatedAt: Date | null,
): z.infer<typeof autoRepliesSchema> {
  return {
    object: 'auto_replies',
    greeting: s.greeting,
    away: { enabled: s.away.enabled, text: s.away.text, hours: s.away.hours as Record<string, [string, string][]> },
    keywords: keywords.map((k) => ({ match: k.match, reply: k.reply as z.infer<typeof keywordReplySchema> })),
    fallback: s.fallback,
    resume_after_minutes: s.resume_after_minutes,
    time_zone: timeZone,
    updated_at: iso(updatedAt),
  };
}
