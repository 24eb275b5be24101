import { z } from 'zod';
import { rebill } from '../orders.bill.ts';
import { PAYMENT_METHODS } from '../orders.payment-methods.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentOrderRow } from '../orders.present.ts';
import { orderSchema } from '../orders.present.ts';

const body = z
  .strictObject({
    expires_in: z
      .number()
      .int()
      .min(600, { message: 'must be at least 600 seconds' })
      .max(30 * 86_400, { message: 'must be at most 30 days' })
      .optional(),
    send: z.boolean().optional(),
    payment: z
      .strictObject({ method: z.enum(PAYMENT_METHODS), provider: z.string().min(1).max(40).optional() })
      .optional()
      .describe('Another method for the new bill (default: the current one): a cash-on-delivery order can be offered a prepaid payment_link'),
  })
  .optional();

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/bill',
    {
      schema: {
        response: { 200: orderSchema },
        summary: 'Send a new bill: a new payment attempt with a new reference and expiry',
        params: idParam('ord'),
        body,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) =>
          rebill(ctx, tx, apiActor(req), req.merchantId, req.params.id, { expires_in: req.body?.expires_in, send: req.body?.send, payment: req.body?.payment }),
        present: (order, tx) => presentOrderRow(ctx, tx, order),
      }),
  );
}
