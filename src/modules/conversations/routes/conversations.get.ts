import { domainError } from '../../../domain/errors.ts';
import { customersOf, getConversation, listNotes } from '../conversations.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { conversationSchema, presentConversation } from '../conversations.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Get a conversation, with its internal notes (newest first)',
        params: idParam('cnv'),
        response: { 200: conversationSchema },
      },
    },
    async (req, reply) => {
      const c = await getConversation(ctx.db, req.merchantId, req.params.id);
      if (!c) return sendError(req, reply, domainError('not_found', `No conversation ${req.params.id}`));
      const customers = await customersOf(ctx.db, req.merchantId, [c]);
      return reply.send(presentConversation(c, customers.get(c.customer_id), await listNotes(ctx.db, req.merchantId, c.id)));
    },
  );
}
