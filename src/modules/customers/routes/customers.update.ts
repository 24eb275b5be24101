import { z } from 'zod';
import { changeCustomer } from '../customers.update.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { customerSchema, presentCustomer } from '../customers.present.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const body = z.strictObject({
  name: z.string().trim().min(1).max(200).nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.patch(
    '/v1/customers/:id',
    { schema: { tags: ['customers'], summary: "Update a customer's name or tags", params: idParam('cus'), body, response: { 200: customerSchema } } },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => changeCustomer(ctx, tx, req.merchantId, req.params.id, req.body),
        present: (c) => presentCustomer(c),
      }),
  );
}
