import { z } from 'zod';
import { customersOf, listConversations } from '../conversations.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { conversationListSchema, presentConversation } from '../conversations.present.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const query = listQuery.extend({
  status: z.enum(['open', 'closed']).optional(),
  assigned_to: z
    .string()
    .regex(/^(usr_[0-9a-z]{26}|none|me)$/, { message: 'must be a user id (usr_…), me or none' })
    .optional(),
  unread: z.enum(['true', 'false']).optional(),
  customer: z
    .string()
    .regex(/^cus_[0-9a-z]{26}$/)
    .optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, newest activity first (filters: status, assigned_to = usr_…|me|none, unread, customer)',
        querystring: query,
        response: { 200: conversationListSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const me = req.principal?.kind === 'user' ? req.principal.id : undefined;
      const assignedTo = q.assigned_to === 'none' ? null : q.assigned_to === 'me' ? (me ?? 'nobody') : q.assigned_to;
      const rows = await listConversations(
        ctx.db,
        req.merchantId,
        { status: q.status, assignedTo, unread: q.unread === undefined ? undefined : q.unread === 'true', customerId: q.customer },
        { limit: q.limit, startingAfter: q.starting_after },
      );
      const customers = await customersOf(ctx.db, req.merchantId, rows);
      return reply.send(page(rows, q.limit, (c) => presentConversation(c, customers.get(c.customer_id))));
    },
  );
}
