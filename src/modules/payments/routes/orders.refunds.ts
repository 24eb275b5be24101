import { z } from 'zod';
import { createRefund } from '../payments.refunds.ts';
import { domainError } from '../../../domain/errors.ts';
import { getOrder } from '../../orders/index.ts';
import { listRefundsForOrder } from '../payments.queries.ts';
import { presentRefund } from '../payments.present.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam, positiveAmount } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { refundListSchema, refundSchema } from '../payments.present.ts';

const body = z.strictObject({ amount: positiveAmount.optional(), reason: z.string().max(500).optional() }).optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/refunds',
    {
      schema: { response: { 201: refundSchema }, summary: 'Refund an order, fully or partly (Idempotency-Key required)', params: idParam('ord'), body },
      config: { idempotencyKey: 'required' },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => createRefund(ctx, tx, apiActor(req), req.merchantId, req.params.id, { amount: req.body?.amount, reason: req.body?.reason }),
        present: presentRefund,
      }),
  );
  app.get(
    '/v1/orders/:id/refunds',
    { schema: { response: { 200: refundListSchema }, summary: "An order's refunds, oldest first", params: idParam('ord') } },
    async (req, reply) => {
      const o = await getOrder(ctx.db, req.merchantId, req.params.id);
      if (!o) return sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
      const rows = await listRefundsForOrder(ctx.db, req.merchantId, o.id);
      return reply.send({ object: 'list' as const, data: rows.map(presentRefund), has_more: false });
    },
  );
}
