// API keys: create (shown once), list (prefix only), rotate (old key ends now or
// after a grace period), revoke. Small enough to share one file.
import { z } from 'zod';
import { createApiKey, revokeApiKey, rotateApiKey } from '../merchants.api-keys.ts';
import { listApiKeys } from '../merchants.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { presentApiKey } from '../merchants.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { apiKeyListSchema, apiKeySchema, rotatedApiKeySchema } from '../merchants.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/api-keys',
    {
      schema: {
        response: { 201: apiKeySchema },
        summary: 'Create an API key (the key is shown only in this response)',
        body: z.strictObject({ name: z.string().min(1).max(100).optional() }).optional(),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createApiKey(ctx, tx, req.merchantId, req.body?.name ?? null),
        present: ({ row, key }) => presentApiKey(row, key),
      }),
  );

  app.get('/v1/api-keys', { schema: { response: { 200: apiKeyListSchema }, summary: 'List API keys (prefixes only)' } }, async (req, reply) => {
    const rows = await listApiKeys(ctx.db, req.merchantId);
    return reply.send({ object: 'list' as const, data: rows.map((r) => presentApiKey(r)), has_more: false });
  });

  app.post(
    '/v1/api-keys/:id/rotate',
    {
      schema: {
        response: { 201: rotatedApiKeySchema },
        summary: 'Replace a key: the old one stops at once or after grace_seconds',
        params: idParam('key'),
        body: z
          .strictObject({
            grace_seconds: z
              .number()
              .int()
              .min(0)
              .max(7 * 86_400)
              .optional(),
          })
          .optional(),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => rotateApiKey(ctx, tx, req.merchantId, req.params.id, req.body?.grace_seconds ?? 0),
        present: ({ row, key, old }) => ({ ...presentApiKey(row, key), replaced: presentApiKey(old) }),
      }),
  );

  app.post('/v1/api-keys/:id/revoke', { schema: { response: { 200: apiKeySchema }, summary: 'Revoke a key now', params: idParam('key') } }, (req, reply) =>
    mutate(ctx, req, reply, req.merchantId, {
      status: 200,
      run: (tx) => revokeApiKey(ctx, tx, req.merchantId, req.params.id),
      present: (row) => presentApiKey(row),
    }),
  );
}
