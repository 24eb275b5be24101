// GET /v1/templates: the merchant's message templates (stored, kept current from WhatsApp), with their status.
import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { listMerchantTemplates } from '../whatsapp.templates.ts';

const templateSchema = z
  .object({
    object: z.literal('template'),
    name: z.string(),
    language: z.string(),
    status: z.string().describe('approved, pending, rejected, paused, disabled… as WhatsApp says; only approved ones can be sent'),
    category: z.string().nullable().describe('utility, marketing or authentication'),
    body: z.string().nullable().describe('The body text with its {{n}} placeholders'),
    body_parameters: z.number().int().describe('How many parameters the body takes (POST /v1/messages template.parameters)'),
    reason: z.string().nullable().describe("WhatsApp's reason for the last status change (e.g. INVALID_FORMAT), when it gave one"),
    updated_at: z.iso.datetime().describe('When this status was last confirmed (a refresh from WhatsApp or its status webhook)'),
  })
  .meta({ id: 'Template', description: 'A message template of the WhatsApp Business Account' });

const query = z.strictObject({
  status: z.enum(['approved', 'all']).default('all').describe('approved: only those that can be sent'),
  refresh: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: read WhatsApp now rather than the stored copy (refreshed on its own every 15 minutes and by the status webhook)'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/templates',
    {
      schema: {
        summary:
          "The merchant's message templates with their status (what can be sent outside the 24-hour window): a stored copy, refreshed from WhatsApp when older than 15 minutes and kept current by WhatsApp's template status webhook",
        querystring: query,
        response: { 200: z.object({ object: z.literal('list'), data: z.array(templateSchema), has_more: z.boolean() }) },
      },
    },
    async (req, reply) => {
      const r = await listMerchantTemplates(ctx, ctx.db, req.merchantId, { refresh: req.query.refresh });
      if (!r.ok) return sendError(req, reply, r.error);
      const data = r.value.filter((t) => req.query.status === 'all' || t.status === 'approved').map((t) => ({ object: 'template' as const, ...t }));
      return reply.send({ object: 'list' as const, data, has_more: false });
    },
  );
}
