import { z } from 'zod';
import { createEndpoint } from '../webhooks.endpoints.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { endpointFields, presentEndpoint } from '../webhook-endpoints.present.ts';
import { endpointSchema } from '../webhook-endpoints.present.ts';

const body = z.strictObject({
  url: endpointFields.url,
  events: endpointFields.events.optional(),
  description: endpointFields.description.optional(),
  enabled: endpointFields.enabled.optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/webhook-endpoints',
    {
      schema: {
        response: { 201: endpointSchema },
        summary: 'Add an endpoint for signed business events (the whsec_ secret is shown only in this response)',
        body,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createEndpoint(ctx, tx, apiActor(req), req.merchantId, req.body),
        present: ({ row, secret }) => presentEndpoint(row, secret),
      }),
  );
}
