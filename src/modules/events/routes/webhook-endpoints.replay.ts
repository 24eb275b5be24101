import { z } from 'zod';
import { replayEvents } from '../webhooks.replay.ts';
import { domainError } from '../../../domain/errors.ts';
import { err } from '../../../domain/result.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { replaySchema } from '../webhook-endpoints.present.ts';

const body = z.strictObject({
  event_id: z.string().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/webhook-endpoints/:id/replay',
    {
      schema: {
        response: { 200: replaySchema },
        summary: 'Send one event ({event_id}) or every subscribed event of a time range ({from, to}) again, with the same webhook-id',
        params: idParam('whe'),
        body,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: async (tx) => {
          const { event_id, from, to } = req.body;
          const single = event_id !== undefined && from === undefined && to === undefined;
          const range = event_id === undefined && from !== undefined && to !== undefined;
          if (!single && !range) return err(domainError('validation_error', 'give either event_id, or both from and to'));
          return replayEvents(
            ctx,
            tx,
            apiActor(req),
            req.merchantId,
            req.params.id,
            single ? { eventId: event_id } : { from: new Date(from!), to: new Date(to!) },
          );
        },
        present: (r) => ({ object: 'webhook_replay' as const, ...r }),
      }),
  );
}
