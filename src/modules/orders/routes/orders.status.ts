import { z } from 'zod';
import { changeOrderStatus } from '../orders.change.ts';
import { ORDER_STATUSES } from '../../../domain/order/order.machine.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRow } from '../orders.present.ts';
import { orderSchema } from '../orders.present.ts';

const body = z.strictObject({ status: z.enum(ORDER_STATUSES), description: z.string().max(120).optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/status',
    { schema: { response: { 200: orderSchema }, summary: "Change an order's status (WhatsApp order_status rules)", params: idParam('ord'), body } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => changeOrderStatus(ctx, tx, apiActor(req), req.merchantId, req.params.id, req.body.status, req.body.description),
        present: (order, tx) => presentOrderRow(ctx, tx, order),
      }),
  );
}
