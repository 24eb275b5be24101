import { z } from 'zod';
import { createRefund } from '../payments.refunds.ts';
import { domainError } from '../../../domain/errors.ts';
import { getOrder } from '../../orders/index.ts';
import { listRefundsForOrder, type RefundRow } from '../payments.queries.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam, positiveAmount } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';

export const presentRefund = (r: RefundRow) => ({
  id: r.id,
  object: 'refund',
  order_id: r.order_id,
  payment_id: r.payment_id,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  kind: r.kind,
  reason: r.reason,
  provider: r.provider,
  provider_refund_id: r.provider_refund_id,
  failure_reason: r.failure_reason,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
});

const body = z.strictObject({ amount: positiveAmount.optional(), reason: z.string().max(500).optional() }).optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/refunds',
    { schema: { tags: ['refunds'], summary: 'Refund an order, fully or partly (Idempotency-Key required)', params: idParam('ord'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        requireKey: true,
        run: (tx) => createRefund(ctx, tx, apiActor(req), req.merchantId, req.params.id, { amount: req.body?.amount, reason: req.body?.reason }),
        present: presentRefund,
      }),
  );
  app.get(
    '/v1/orders/:id/refunds',
    { schema: { tags: ['refunds'], summary: "An order's refunds, oldest first", params: idParam('ord') } },
    async (req, reply) => {
      const o = await getOrder(ctx.db, req.merchantId, req.params.id);
      if (!o) return sendError(req, reply, domainError('not_found', `No order ${req.params.id}`));
      const rows = await listRefundsForOrder(ctx.db, req.merchantId, o.id);
      return reply.send({ object: 'list', data: rows.map(presentRefund), has_more: false });
    },
  );
}
