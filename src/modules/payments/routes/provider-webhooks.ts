// POST /webhooks/providers/{provider}/{merchant_id}: the provider's own signature
// over the raw bytes, with that merchant's secrets. Stored before we answer 2xx;
// a correctly signed event we cannot match is kept for review and still answered 2xx.
import { receiveProviderWebhook } from '../payments.provider-webhooks.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import { z } from 'zod';

export function register(app: App, { ctx }: RouteDeps) {
  app.register(async (scoped) => {
    // Keep every body as bytes here: the signature is over exactly what was sent.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scoped.post<{ Params: { provider: string; merchant_id: string } }>(
      '/webhooks/providers/:provider/:merchant_id',
      {
        schema: {
          summary: "A payment provider's webhooks (called by the provider), signed with that merchant's webhook secret; stored before the 200",
          security: [],
          response: {
            200: z.object({ received: z.literal(true), stored: z.number().int(), duplicates: z.number().int() }),
            401: errorEnvelope,
          },
        },
      },
      async (req, reply) => {
        const { provider, merchant_id } = req.params;
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const r = await receiveProviderWebhook(ctx, provider, merchant_id, raw, req.headers);
        if (!r.ok) return sendError(req, reply, r.error);
        return reply.code(200).send({ received: true, stored: r.value.stored, duplicates: r.value.duplicates });
      },
    );
  });
}
