import { z } from 'zod';
import { cancelOrder } from '../orders.change.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRow } from '../orders.present.ts';
import { orderSchema } from '../orders.present.ts';

const body = z.strictObject({ reason: z.string().max(500).optional() }).optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/cancel',
    { schema: { response: { 200: orderSchema }, summary: 'Cancel an order (refused while a payment is pending or captured)', params: idParam('ord'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => cancelOrder(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body?.reason),
        present: (order, tx) => presentOrderRow(ctx, tx, order),
      }),
  );
}
