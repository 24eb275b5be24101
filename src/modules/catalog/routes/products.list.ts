import { z } from 'zod';
import { listProducts } from '../catalog.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { presentProduct, productListSchema } from '../catalog.present.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const query = listQuery.extend({ active: z.enum(['true', 'false']).optional(), category: z.string().trim().min(1).max(100).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/v1/products', { schema: { summary: 'List products', querystring: query, response: { 200: productListSchema } } }, async (req, reply) => {
    const q = req.query;
    const rows = await listProducts(ctx.db, req.merchantId, {
      limit: q.limit,
      startingAfter: q.starting_after,
      active: q.active === undefined ? undefined : q.active === 'true',
      category: q.category,
    });
    return reply.send(page(rows, q.limit, presentProduct));
  });
}
