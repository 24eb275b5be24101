import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { getLink } from '../checkout-links.queries.ts';
import { checkoutLinkSchema, presentLink } from '../checkout-links.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/checkout-links/:id',
    { schema: { summary: 'Get a checkout link', params: idParam('chl'), response: { 200: checkoutLinkSchema } } },
    async (req, reply) => {
      const l = await getLink(ctx.db, req.merchantId, req.params.id);
      return l
        ? reply.send(presentLink(l, ctx.publicUrl, ctx.clock.now()))
        : sendError(req, reply, domainError('not_found', `No checkout link ${req.params.id}`));
    },
  );
}
