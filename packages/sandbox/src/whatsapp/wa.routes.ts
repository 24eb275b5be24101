// The local WhatsApp Cloud API double, registered in sandbox mode only and kept out of
// chatcart's OpenAPI. Meta's paths under /sandbox/graph/{version}/…, so the WhatsApp
// adapter talks to it exactly as to graph.facebook.com; the simulated customer under
// /sandbox/customers/{wa_id}/…; the phone page's number card under /sandbox/whatsapp.
import { z } from 'zod';
import { registerCatalog } from './wa.catalog.ts';
import { conversation } from './wa.conversation.ts';
import { registerControls, registerNumberCard } from './wa.controls.ts';
import { customerReads, customerSends } from './wa.customer.ts';
import { graphErrorHandler, graphNotFound } from './wa.errors.ts';
import { answer, authorize } from './wa.http.ts';
import { customerPays, lookupPayment, requestRefund } from './wa.payments.ts';
import { sendMessage } from './wa.send.ts';
import { mediaDownload, SANDBOX_MEDIA_MAX } from './wa.media.ts';
import { listTemplates } from './wa.templates.ts';
import { bad } from './wa.errors.ts';
import { getSettings } from './wa.repository.ts';
import type { App, SandboxContext } from '../host.ts';

const hide = { hide: true } as const;
type NumberParams = { version: string; phone_number_id: string };

function registerGraph(app: App, ctx: SandboxContext) {
  app.post<{ Params: NumberParams; Body: unknown }>('/:version/:phone_number_id/messages', { schema: hide }, async (req, reply) => {
    const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
    if (!n) return reply;
    return answer(reply, await sendMessage(ctx, n, req.body));
  });

  app.get<{ Params: NumberParams & { configuration: string; reference_id: string } }>(
    '/:version/:phone_number_id/payments/:configuration/:reference_id',
    { schema: hide },
    async (req, reply) => {
      const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
      if (!n) return reply;
      return answer(reply, await lookupPayment(ctx, n, req.params.configuration, req.params.reference_id));
    },
  );

  app.post<{ Params: NumberParams; Body: unknown }>('/:version/:phone_number_id/payments_refund', { schema: hide }, async (req, reply) => {
    const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
    if (!n) return reply;
    return answer(reply, await requestRefund(ctx, n, req.body));
  });

  // Media a customer sent: its URL and type (GET /{media_id}), and the download itself.
  app.get<{ Querystring: Record<string, string | undefined> }>('/whatsapp_business/attachments/', { schema: hide }, (req, reply) =>
    mediaDownload(ctx, req, reply, req.query),
  );
  registerCatalog(app, ctx);
  // The WABA's templates (the number's token; its waba_id in the path).
  app.get<{ Params: NumberParams; Querystring: Record<string, string | undefined> }>(
    '/:version/:phone_number_id/message_templates',
    { schema: hide },
    async (req, reply) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      const owner = token ? await ctx.business.numberByToken(ctx.db, token) : undefined;
      if (!owner || owner.waba_id !== req.params.phone_number_id)
        return answer(reply, bad(100, `Unsupported get request. Object with ID '${req.params.phone_number_id}' does not exist or cannot be loaded`));
      const limit = Math.min(Math.max(Number(req.query.limit ?? 25) || 25, 1), 100);
      const settings = await getSettings(ctx.db, owner.phone_number_id);
      return reply.send(listTemplates(owner, { limit, after: req.query.after, statuses: settings?.template_statuses }));
    },
  );

  registerControls(app, ctx);
}

const waParams = z.strictObject({ wa_id: z.string().min(1).max(140) });
const pnidBody = z.looseObject({ phone_number_id: z.string().min(1).max(64) });
const payBody = z.strictObject({
  phone_number_id: z.string().min(1).max(64),
  reference_id: z.string().min(1).max(60),
  outcome: z.enum(['success', 'failure', 'pending']),
  method: z.enum(['upi', 'card', 'wallet', 'netbanking']).optional(),
});

function registerCustomer(app: App, ctx: SandboxContext) {
  // Media travel as base64 in the JSON body: room for the largest file the phone sends.
  app.post<{ Params: { wa_id: string }; Body: unknown }>(
    '/:wa_id/messages',
    { schema: hide, bodyLimit: Math.ceil(SANDBOX_MEDIA_MAX * 1.4) },
    async (req, reply) => answer(reply, await customerSends(ctx, req.params.wa_id, req.body), 201),
  );

  app.get(
    '/:wa_id/messages',
    { schema: { ...hide, params: waParams, querystring: z.looseObject({ phone_number_id: z.string().max(64).optional() }) } },
    async (req, reply) => answer(reply, await conversation(ctx, req.params.wa_id, req.query.phone_number_id)),
  );

  app.post('/:wa_id/read', { schema: { ...hide, params: waParams, body: pnidBody } }, async (req, reply) =>
    answer(reply, await customerReads(ctx, req.params.wa_id, req.body.phone_number_id)),
  );

  app.post('/:wa_id/payments', { schema: { ...hide, params: waParams, body: payBody } }, async (req, reply) =>
    answer(reply, await customerPays(ctx, req.params.wa_id, req.body), 201),
  );
}

/** Mounts the Cloud API double, the simulated customer and the number card. Refuses to exist in live mode. */
export async function registerSandboxWhatsApp(app: App, ctx: SandboxContext): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  const mount = (register: (a: App, c: SandboxContext) => void, prefix: string, notFound: boolean) =>
    app.register(
      async (api) => {
        api.setErrorHandler(graphErrorHandler);
        if (notFound) api.setNotFoundHandler(graphNotFound);
        register(api as App, ctx);
      },
      { prefix },
    );
  await mount(registerGraph, '/sandbox/graph', true);
  await mount(registerCustomer, '/sandbox/customers', false);
  await mount(registerNumberCard, '/sandbox/whatsapp', false);
}
