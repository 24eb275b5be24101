// GET|POST /webhooks/whatsapp. One Meta app serves every merchant, so the app secret
// is global; bodies are routed to merchants later by metadata.phone_number_id.
// POST: the signature is checked on the raw bytes (wrong or missing: 401, nothing
// stored); every signed JSON body is committed before the 200, whatever its shape
// (only absurd nesting is refused first). Its strings are not checked here: the raw
// body is kept as sent, and processing refuses a poison item on its own.
import crypto from 'node:crypto';
import { InboxWriter } from '../whatsapp.intake.ts';
import { whatsappAppSecret } from '../whatsapp.numbers.ts';
import { verifyWebhookSignature } from '../../../adapters/whatsapp/signature.ts';
import { domainError } from '../../../domain/errors.ts';
import { jsonTooDeep, MAX_JSON_DEPTH, tooDeepMessage } from '../../../domain/text.ts';
import { initSystemSetting } from '../../merchants/index.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import { z } from 'zod';

/** Meta batches up to 1,000 updates in one POST; a status is well under 1 KB. */
export const WHATSAPP_BODY_LIMIT = 8 * 1024 * 1024;

export function register(app: App, { ctx }: RouteDeps) {
  const writer = new InboxWriter(ctx);
  let secret: Promise<string> | undefined;
  const appSecret = () =>
    (secret ??= whatsappAppSecret(ctx, ctx.db).catch((e) => {
      secret = undefined;
      throw e;
    }));
  const verifyToken = async () =>
    ctx.verifyToken ??
    (ctx.mode === 'sandbox' ? initSystemSetting(ctx.db, 'sandbox_whatsapp_verify_token', crypto.randomBytes(12).toString('hex')) : undefined);

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/webhooks/whatsapp',
    {
      schema: {
        summary: "Meta's webhook verification: echoes hub.challenge when hub.verify_token is WHATSAPP_VERIFY_TOKEN",
        security: [],
        response: { 200: { description: 'hub.challenge', content: { 'text/plain': { schema: z.string() } } }, 403: errorEnvelope },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const expected = await verifyToken();
      const given = q['hub.verify_token'] ?? '';
      const ok =
        q['hub.mode'] === 'subscribe' &&
        expected !== undefined &&
        given.length === expected.length &&
        crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!ok) return sendError(req, reply, domainError('forbidden', 'hub.verify_token does not match'));
      return reply.type('text/plain').send(q['hub.challenge'] ?? '');
    },
  );

  app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WHATSAPP_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scoped.post(
      '/webhooks/whatsapp',
      {
        schema: {
          summary: 'WhatsApp Cloud API webhooks (called by Meta), signed with the app secret (X-Hub-Signature-256); stored before the 200',
          security: [],
          response: { 200: z.object({ received: z.literal(true) }), 401: errorEnvelope },
        },
        bodyLimit: WHATSAPP_BODY_LIMIT,
      },
      async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const sig = req.headers['x-hub-signature-256'];
        if (!verifyWebhookSignature(raw, Array.isArray(sig) ? sig[0] : sig, await appSecret())) {
          return sendError(req, reply, domainError('unauthorized', 'X-Hub-Signature-256 is missing or does not match'));
        }
        // Meta never nests deeply: refuse absurd nesting now, before the 200, rather than
        // acknowledge a body that every later step (parse, split, jsonb) would choke on.
        if (jsonTooDeep(raw)) {
          return sendError(
            req,
            reply,
            domainError('validation_error', tooDeepMessage(), [{ path: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]),
          );
        }
        const text = raw.toString('utf8');
        try {
          JSON.parse(text);
        } catch {
          return sendError(req, reply, domainError('validation_error', 'The body is not JSON'));
        }
        await writer.write(text);
        return reply.code(200).send({ received: true });
      },
    );
  });
}
