import { z } from 'zod';
import { resolveReview } from '../payments.review.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRow } from '../../orders/index.ts';
import { orderSchema } from '../../orders/index.ts';

const body = z.strictObject({ action: z.enum(['accept', 'refund']), note: z.string().max(500).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/review',
    { schema: { response: { 200: orderSchema }, summary: 'Resolve manual_review: accept the payment or refund it', params: idParam('ord'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => resolveReview(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body),
        present: (order, tx) => presentOrderRow(ctx, tx, order),
      }),
  );
}
