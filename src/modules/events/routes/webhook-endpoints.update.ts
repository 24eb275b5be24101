// Update (url, events filter, description, enabled) and delete. Enabling a disabled
// endpoint starts its health record afresh; what it missed is sent again by a replay.
import { z } from 'zod';
import { deleteEndpointById, updateEndpointSettings } from '../webhooks.endpoints.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { endpointFields, presentEndpoint } from '../webhook-endpoints.present.ts';
import { endpointDeletedSchema, endpointSchema } from '../webhook-endpoints.present.ts';

const body = z.strictObject({
  url: endpointFields.url.optional(),
  // null: every business event again
  events: endpointFields.events.nullable().optional(),
  description: endpointFields.description.nullable().optional(),
  enabled: endpointFields.enabled.optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.patch(
    '/v1/webhook-endpoints/:id',
    { schema: { response: { 200: endpointSchema }, summary: 'Update a webhook endpoint', params: idParam('whe'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => updateEndpointSettings(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body),
        present: (row) => presentEndpoint(row),
      }),
  );
  app.delete(
    '/v1/webhook-endpoints/:id',
    { schema: { response: { 200: endpointDeletedSchema }, summary: 'Delete a webhook endpoint with its deliveries and attempts', params: idParam('whe') } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => deleteEndpointById(ctx, tx, apiActor(req), req.merchantId, req.params.id),
        present: (row) => ({ id: row.id, object: 'webhook_endpoint' as const, deleted: true as const }),
      }),
  );
}
