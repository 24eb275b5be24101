// Test controls of the Cloud API double (Bearer: the number's sandbox token): chaos,
// a webhook target override, the delivery log; and the public number card the phone
// page reads (display number, catalog, templates; never the token).
import { z } from 'zod';
import { numberFor } from './wa.customer.ts';
import { fail, sendGraphError } from './wa.errors.ts';
import { answer, authorize } from './wa.http.ts';
import { getSettings, listDeliveries, setChaos, setTemplateStatus, setWebhookUrl } from './wa.repository.ts';
import { listCatalog } from './wa.catalog-list.ts';
import { listTemplates, SANDBOX_TEMPLATES, sandboxTemplateId } from './wa.templates.ts';
import { emitChange } from './wa.webhooks.ts';
import { isSandboxMedia, mediaInfo } from './wa.media.ts';
import { chaosOf, webhookTarget, type WaChaos } from './wa.types.ts';
import { type App, type SandboxContext, inTransaction, type SandboxNumber } from '../host.ts';
import { describeOwnOrigins, isOwnUrl } from '../own-origins.ts';

const probability = z.union([z.boolean().transform((b) => (b ? 1 : 0)), z.number().min(0).max(1)]);
const chaosBody = z.strictObject({
  duplicate: probability.optional(),
  reorder: z
    .union([
      z.boolean(),
      z
        .number()
        .min(0)
        .max(1)
        .transform((n) => n > 0),
    ])
    .optional(),
  batch: probability.optional(),
  drop_read: probability.optional(),
  skip_delivered: probability.optional(),
  undeliverable: probability.optional(),
  marketing_limit: probability.optional(),
  fail_refunds: probability.optional(),
  delay_ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .optional(),
});
const pnidParams = z.strictObject({ phone_number_id: z.string().min(1).max(64) });
const hide = { hide: true } as const;

async function settingsView(ctx: SandboxContext, pnid: string) {
  const s = await getSettings(ctx.db, pnid);
  return { phone_number_id: pnid, webhook_url: s?.webhook_url ?? null, webhook_target: webhookTarget(ctx.publicUrl, s), chaos: chaosOf(s) };
}

export function registerControls(app: App, ctx: SandboxContext) {
  app.get('/chaos/:phone_number_id', { schema: { ...hide, params: pnidParams } }, async (req, reply) => {
    if (!(await authorize(ctx, req, reply, req.params.phone_number_id))) return reply;
    return settingsView(ctx, req.params.phone_number_id);
  });

  // PUT replaces the whole chaos setting: what is not sent goes back to "behave".
  app.put('/chaos/:phone_number_id', { schema: { ...hide, params: pnidParams, body: chaosBody } }, async (req, reply) => {
    if (!(await authorize(ctx, req, reply, req.params.phone_number_id))) return reply;
    const chaos: WaChaos = chaosOf({ chaos: req.body as Partial<WaChaos> });
    await setChaos(ctx.db, req.params.phone_number_id, chaos, ctx.clock.now());
    return settingsView(ctx, req.params.phone_number_id);
  });

  // Where this number's webhooks go: a path of this server itself (its public URL, or its
  // port on loopback); null: /webhooks/whatsapp. Never anywhere else: the double would
  // otherwise post wherever a sandbox token holder asks (SSRF).
  app.put(
    '/webhook/:phone_number_id',
    {
      schema: {
        ...hide,
        params: pnidParams,
        body: z.strictObject({
          url: z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .nullable(),
        }),
      },
    },
    async (req, reply) => {
      if (!(await authorize(ctx, req, reply, req.params.phone_number_id))) return reply;
      if (req.body.url !== null && !isOwnUrl(ctx.ownOrigins, req.body.url))
        return sendGraphError(reply, fail(100, `Param url must be an address of this server: ${describeOwnOrigins(ctx.ownOrigins)}`));
      await setWebhookUrl(ctx.db, req.params.phone_number_id, req.body.url, ctx.clock.now());
      return settingsView(ctx, req.params.phone_number_id);
    },
  );

  // Sets one of the WABA's templates to a status, as Meta's review would: the listing
  // (GET /{waba_id}/message_templates) reports it, sends of it are refused unless APPROVED,
  // and a message_template_status_update webhook is emitted (signed, delivered like the others).
  app.put(
    '/templates/:phone_number_id',
    {
      schema: {
        ...hide,
        params: pnidParams,
        body: z.strictObject({
          name: z.string().min(1).max(512),
          language: z.string().min(1).max(32),
          status: z.enum(['APPROVED', 'REJECTED', 'PENDING', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION', 'FLAGGED', 'REINSTATED']),
          reason: z.string().max(500).nullable().default(null),
        }),
      },
    },
    async (req, reply) => {
      const n = await authorize(ctx, req, reply, req.params.phone_number_id);
      if (!n) return reply;
      const { name, language, status, reason } = req.body;
      const known = listTemplates(n, { limit: 10_000 }).data.find((t) => t['name'] === name && t['language'] === language);
      if (!known) return sendGraphError(reply, fail(100, `No template ${name} in ${language} on this WABA`));
      await inTransaction(ctx, async (tx) => {
        const settings = await getSettings(tx, n.phone_number_id);
        await setTemplateStatus(tx, n.phone_number_id, `${name}:${language}`, { status, reason }, ctx.clock.now());
        const number = (await ctx.business.number(tx, n.phone_number_id)) ?? n;
        await emitChange(
          ctx,
          tx,
          number,
          {
            event: status,
            message_template_id: Number(sandboxTemplateId(name, language)),
            message_template_name: name,
            message_template_language: language,
            message_template_category: String(known['category'] ?? 'UTILITY'),
            reason: reason ?? 'NONE',
          },
          { field: 'message_template_status_update', ...(settings ? { settings } : {}) },
        );
      });
      return { name, language, status, reason };
    },
  );

  // The delivery log, newest first: "why did my webhook not arrive?"
  app.get(
    '/deliveries/:phone_number_id',
    { schema: { ...hide, params: pnidParams, querystring: z.looseObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }) } },
    async (req, reply) => {
      if (!(await authorize(ctx, req, reply, req.params.phone_number_id))) return reply;
      const rows = await listDeliveries(ctx.db, req.params.phone_number_id, req.query.limit);
      return {
        data: rows.map((d) => ({
          id: d.id,
          url: d.url,
          status_code: d.status_code,
          error: d.error,
          event_ids: d.event_ids,
          attempted_at: d.attempted_at.toISOString(),
        })),
      };
    },
  );

  // Meta's GET /{phone_number_id} (e.g. ?fields=throughput).
  app.get<{ Params: { version: string; phone_number_id: string } }>('/:version/:phone_number_id', { schema: hide }, async (req, reply) => {
    // A media id (media a customer sent) rather than a number.
    if (await isSandboxMedia(ctx, req.params.phone_number_id)) return mediaInfo(ctx, req, reply, req.params.phone_number_id);
    const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
    if (!n) return reply;
    return {
      verified_name: 'chatcart sandbox',
      code_verification_status: 'VERIFIED',
      display_phone_number: `+${n.display_phone_number ?? ''}`,
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      throughput: { level: 'STANDARD' },
      id: n.phone_number_id,
    };
  });
}

function numberCard(ctx: SandboxContext, n: SandboxNumber, catalog: Awaited<ReturnType<typeof listCatalog>>) {
  return {
    phone_number_id: n.phone_number_id,
    display_phone_number: n.display_phone_number,
    waba_id: n.waba_id,
    catalog_id: n.catalog_id,
    throughput_per_second: n.throughput_per_second,
    catalog: catalog.map((p) => ({
      retailer_id: p.retailer_id,
      name: p.name,
      description: p.description,
      price: p.price,
      currency: p.currency,
      image_url: p.image_url,
    })),
    templates: SANDBOX_TEMPLATES.map((t) => ({
      name: t.name,
      languages: t.languages,
      category: t.category,
      body: t.body,
      body_params: t.bodyParams,
      ...(t.button ? { button: t.button } : {}),
    })),
    graph_base_url: `${ctx.publicUrl.replace(/\/+$/, '')}/sandbox/graph`,
  };
}

/** GET /sandbox/whatsapp/numbers/{phone_number_id}: what the phone page needs to show a shop. */
export function registerNumberCard(app: App, ctx: SandboxContext) {
  app.get('/numbers/:phone_number_id', { schema: { ...hide, params: pnidParams } }, async (req, reply) => {
    const r = await numberFor(ctx, req.params.phone_number_id, 'get');
    if (!r.ok) return answer(reply, r);
    return numberCard(ctx, r.value, await listCatalog(ctx, r.value));
  });
}
