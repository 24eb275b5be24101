import { z } from 'zod';
import { listCustomers } from '../customers.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { customerListSchema, presentCustomer } from '../customers.present.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const query = listQuery.extend({ query: z.string().trim().min(1).max(200).optional(), tag: z.string().trim().min(1).max(40).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'List customers (newest first); query matches a name, username, number or bsuid',
        querystring: query,
        response: { 200: customerListSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const rows = await listCustomers(ctx.db, req.merchantId, { limit: q.limit, startingAfter: q.starting_after, query: q.query, tag: q.tag });
      return reply.send(page(rows, q.limit, (c) => presentCustomer(c)));
    },
  );
}
