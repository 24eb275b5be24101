import { sendTestEvent } from '../webhooks.endpoints.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentDelivery } from '../webhook-endpoints.present.ts';
import { deliverySchema } from '../webhook-endpoints.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/webhook-endpoints/:id/test',
    {
      schema: {
        response: { 201: deliverySchema },
        summary: 'Send a webhook.test event to this endpoint (one attempt, within a second; see its attempts)',
        params: idParam('whe'),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => sendTestEvent(ctx, tx, apiActor(req), req.merchantId, req.params.id),
        present: presentDelivery,
      }),
  );
}
