import { checkShippingAddress } from '../../../domain/address.ts';
import { domainError } from '../../../domain/errors.ts';
import { err } from '../../../domain/result.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { apiActor, type RouteDeps } from '../../../platform/http/route-deps.ts';
import { addShippingAddress } from '../orders.address.ts';
import { orderSchema, presentOrderRow } from '../orders.present.ts';
import { shippingAddressBody } from './orders.create.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/orders/:id/shipping-address',
    {
      schema: {
        response: { 200: orderSchema },
        summary:
          'Give a physical-goods order that waits for it its delivery address (e.g. one the customer wrote in the chat); a bill that waited for it is sent',
        params: idParam('ord'),
        body: shippingAddressBody,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => {
          const a = checkShippingAddress(req.body);
          if (!a.ok) {
            const [path, message] = Object.entries(a.error)[0]!;
            return Promise.resolve(err(domainError('validation_error', `${path}: ${message}`, { path })));
          }
          return addShippingAddress(ctx, tx, apiActor(req), req.merchantId, req.params.id, a.value, { via: 'api', sendBill: true });
        },
        present: (order, tx) => presentOrderRow(ctx, tx, order),
      }),
  );
}
