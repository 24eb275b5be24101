import { domainError } from '../../../domain/errors.ts';
import { getOrder } from '../../orders/index.ts';
import { listPaymentsForOrder } from '../../orders/index.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { presentPayment } from '../../orders/index.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { paymentListSchema } from '../../orders/index.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.get(
    '/v1/orders/:id/payments',
    { schema: { response: { 200: paymentListSchema }, summary: "An order's payment attempts, oldest first", params: idParam('ord') } },
    async (req, reply) => {
      const o = await getOrder(ctx.db, req.merchantId, req.params.id);
      if (!o) return sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
      const rows = await listPaymentsForOrder(ctx.db, req.merchantId, o.id);
      return reply.send({ object: 'list' as const, data: rows.map((p) => presentPayment(p, ctx.publicUrl)), has_more: false });
    },
  );
}
