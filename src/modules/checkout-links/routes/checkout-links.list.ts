import type { App } from '../../../platform/http/app.ts';
import { page } from '../../../platform/http/page.ts';
import { listQuery } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { listLinks } from '../checkout-links.queries.ts';
import { checkoutLinkListSchema, presentLink } from '../checkout-links.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/checkout-links',
    { schema: { summary: 'List checkout links, newest first', querystring: listQuery, response: { 200: checkoutLinkListSchema } } },
    async (req, reply) => {
      const rows = await listLinks(ctx.db, req.merchantId, { limit: req.query.limit, startingAfter: req.query.starting_after });
      const now = ctx.clock.now();
      return reply.send(page(rows, req.query.limit, (l) => presentLink(l, ctx.publicUrl, now)));
    },
  );
}
