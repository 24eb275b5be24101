import { domainError } from '../../../domain/errors.ts';
import { getCustomer, listIdentityChanges } from '../customers.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { customerSchema, presentCustomer } from '../customers.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: 'Get a customer, with the history of their identifiers',
        params: idParam('cus'),
        response: { 200: customerSchema },
      },
    },
    async (req, reply) => {
      const c = await getCustomer(ctx.db, req.merchantId, req.params.id);
      if (!c) return sendError(req, reply, domainError('not_found', `No customer ${req.params.id}`));
      return reply.send(presentCustomer(c, await listIdentityChanges(ctx.db, req.merchantId, c.id)));
    },
  );
}
