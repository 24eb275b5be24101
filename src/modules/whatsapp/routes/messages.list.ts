// GET /v1/messages?wa_id=: a conversation, both directions, newest first, each
// message with its wamid, type, delivery status and Meta's error if it failed.
import { listConversation } from '../whatsapp.queries.ts';
import { messageListSchema, presentMessages } from '../whatsapp.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { listQuery, waId } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/messages',
    {
      schema: {
        response: { 200: messageListSchema },
        summary: 'The WhatsApp conversation with one customer, newest first',
        querystring: listQuery.extend({ wa_id: waId }),
      },
    },
    async (req, reply) => {
      const rows = await listConversation(ctx.db, req.merchantId, req.query.wa_id, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, await presentMessages(ctx.db, req.merchantId, rows.slice(0, req.query.limit))));
    },
  );
}
