import { reorder } from '../orders.reorder.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrder } from '../orders.present.ts';
import { orderSchema } from '../orders.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/reorder',
    {
      schema: {
        response: { 201: orderSchema },
        summary: 'A new order for the same customer and catalog items at current prices, linked to this expired or canceled one (not for booking deposits)',
        params: idParam('ord'),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => reorder(ctx, tx, apiActor(req), req.merchantId, req.params.id),
        present: ({ order, payment }) => presentOrder(order, payment, ctx.publicUrl),
      }),
  );
}
