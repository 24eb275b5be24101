// GET /v1/stream: the merchant's changes as server-sent events (docs/api.md "Live updates").
import { z } from 'zod';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { sessionTokenOf } from '../../../platform/http/session-cookie.ts';
import { authenticate } from '../../merchants/index.ts';
import { checkSession } from '../../users/index.ts';
import { parsePosition, type StreamPosition } from '../stream.position.ts';
import { behindHorizon, streamHead } from '../stream.queries.ts';
import { serveStream } from '../stream.serve.ts';

const headers = z.object({
  'last-event-id': z
    .string()
    .max(100)
    .optional()
    .describe('Resume after this position (the `id:` of the last event received); browsers send it when they reconnect'),
});
const query = z.strictObject({
  last_event_id: z.string().max(100).optional().describe('The same as the Last-Event-ID header, for clients that cannot set headers'),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/stream',
    {
      schema: {
        summary: "The merchant's changes, live (server-sent events)",
        description:
          'A `text/event-stream`. Each event has an `id:` (its position), an `event:` (its type: `message.received`, `message.status`, `conversation.updated`, ' +
          '`order.*`, `payment.*`, `refund.*`, `booking.*`) and `data:`, a JSON object with the type and the ids of what changed (`conversation_id`, `message_id`, ' +
          '`order_id`, `event_id`, …), never the object: read it through the API. Resume with `Last-Event-ID`; nothing that commits later is skipped. ' +
          'A comment line every 15 seconds. The stream ends when its session or API key is revoked or its user’s role changes. ' +
          'A position older than the stream keeps (24 hours of conversation and message changes) is refused with 410 `position_expired`: ' +
          'reload what you show and connect again without `Last-Event-ID`.',
        headers,
        querystring: query,
        response: {
          200: { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } },
          410: errorEnvelope,
        },
      },
    },
    async (req, reply) => {
      const raw = req.headers['last-event-id'] ?? req.query.last_event_id;
      let from: StreamPosition | undefined;
      if (raw !== undefined && raw !== '') {
        from = parsePosition(String(raw));
        if (!from) return sendError(req, reply, domainError('validation_error', 'Last-Event-ID: not a position of this stream', { path: 'last-event-id' }));
        // Changes older than a day are pruned (ops retention, STREAM_CHANGES_KEEP_HOURS): resuming
        // from behind what was pruned would silently skip some, so the client is told to start afresh.
        if (await behindHorizon(ctx.db, req.merchantId, from))
          return sendError(
            req,
            reply,
            domainError('position_expired', 'Last-Event-ID: this position is too old to resume from; reload and connect again without it', {
              path: 'last-event-id',
            }),
          );
      }
      from ??= { tx: await streamHead(ctx.db), id: '' };

      // Checked again at every wake-up and heartbeat: the same credential, still valid, same role.
      const principal = req.principal;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = principal.kind === 'user' ? sessionTokenOf(req) : undefined;
      const stillAllowed = async (): Promise<boolean> => {
        if (principal.kind === 'api_key') {
          if (!bearer) return false;
          const r = await authenticate(ctx, bearer);
          return r.ok && r.value.keyId === principal.id;
        }
        if (!token) return false;
        const r = await checkSession(ctx, token);
        return r.ok && r.value.sessionId === req.sessionId && r.value.role === principal.role;
      };

      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
        'request-id': req.id,
      });
      reply.raw.flushHeaders();
      serveStream({ ctx, merchantId: req.merchantId, from, res: reply.raw, stillAllowed });
    },
  );
}
