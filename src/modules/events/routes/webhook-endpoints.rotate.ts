import { z } from 'zod';
import { rotateEndpointSecret } from '../webhooks.endpoints.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentEndpoint } from '../webhook-endpoints.present.ts';
import { endpointSchema } from '../webhook-endpoints.present.ts';

// 0 retires the old secret at once (it leaked); the default keeps it for 24 h.
const body = z
  .strictObject({
    previous_secret_ttl: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
  })
  .optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        response: { 200: endpointSchema },
        summary: 'Issue a new secret (shown only in this response); the old one keeps signing beside it for previous_secret_ttl seconds (default 86400)',
        params: idParam('whe'),
        body,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) =>
          rotateEndpointSecret(
            ctx,
            tx,
            apiActor(req),
            req.merchantId,
            req.params.id,
            req.body?.previous_secret_ttl === undefined ? undefined : req.body.previous_secret_ttl * 1000,
          ),
        present: ({ row, secret }) => presentEndpoint(row, secret),
      }),
  );
}
