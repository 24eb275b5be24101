import { z } from 'zod';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { changeLink } from '../checkout-links.manage.ts';
import { checkoutLinkSchema, presentLink } from '../checkout-links.present.ts';
import { linkFields } from './checkout-links.create.ts';

const body = z.strictObject({ ...linkFields, name: linkFields.name.optional() });

export function register(app: App, { ctx }: RouteDeps) {
  app.patch(
    '/v1/checkout-links/:id',
    {
      schema: {
        summary: 'Change a checkout link: name, description, limit, expiry, active; a new amount, range or products replaces the old pricing',
        params: idParam('chl'),
        body,
        response: { 200: checkoutLinkSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => changeLink(ctx, tx, req.merchantId, req.params.id, req.body),
        present: (l) => presentLink(l, ctx.publicUrl, ctx.clock.now()),
      }),
  );
}
