// A conversation's messages (both directions, newest first, with delivery status and Meta's
// error) and its read receipt: the whatsapp module owns the messages and the Graph API.
import { domainError } from '../../../domain/errors.ts';
import { conversationSchema, getConversation, presentConversation } from '../../conversations/index.ts';
import { getCustomer } from '../../customers/index.ts';
import { listConversationMessages } from '../whatsapp.queries.ts';
import { readConversation } from '../whatsapp.read.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { page } from '../../../platform/http/page.ts';
import { idParam, listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { messageListSchema, presentMessages } from '../whatsapp.present.ts';

const tags = ['conversations'];

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: "A conversation's messages, both directions, newest first",
        params: idParam('cnv'),
        querystring: listQuery,
        response: { 200: messageListSchema },
      },
    },
    async (req, reply) => {
      const c = await getConversation(ctx.db, req.merchantId, req.params.id);
      if (!c) return sendError(req, reply, domainError('not_found', `No conversation ${req.params.id}`));
      const rows = await listConversationMessages(ctx.db, req.merchantId, c.id, { limit: req.query.limit, startingAfter: req.query.starting_after });
      return reply.send(page(rows, req.query.limit, await presentMessages(ctx.db, req.merchantId, rows.slice(0, req.query.limit))));
    },
  );
  app.post(
    '/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark a conversation read (sends WhatsApp a read receipt for the latest message)',
        params: idParam('cnv'),
        response: { 200: conversationSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => readConversation(ctx, tx, req.merchantId, req.params.id),
        present: async (c, tx) => presentConversation(c, await getCustomer(tx, c.merchant_id, c.customer_id)),
      }),
  );
}
