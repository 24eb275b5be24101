// GET|PUT /v1/settings/auto-replies: greeting, away by business hours, keywords (the one
// keyword list, with the flow keywords of /v1/flows/keywords), fallback, and how long a
// person's reply pauses automation. PUT sets the parts it names; `keywords`, when given, is
// the whole list.
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { businessTimeZone } from '../../merchants/index.ts';
import { autoRepliesBody, autoRepliesSchema, presentAutoReplies } from '../automation.present.ts';
import { readAutoReplies, setAutoReplies } from '../automation.settings.ts';
import type { Queryable } from '../../../platform/store/db.ts';

export function register(app: App, { ctx }: RouteDeps) {
  const present = async (q: Queryable, merchantId: string) => {
    const r = await readAutoReplies(q, merchantId);
    return presentAutoReplies(r.settings, r.keywords, await businessTimeZone(q, merchantId), r.updatedAt);
  };
  app.get(
    '/v1/settings/auto-replies',
    { schema: { summary: 'The automatic replies: greeting, away, keywords, fallback', response: { 200: autoRepliesSchema } } },
    async (req, reply) => reply.send(await present(ctx.db, req.merchantId)),
  );
  app.put(
    '/v1/settings/auto-replies',
    {
      schema: {
        summary: 'Set the automatic replies (the parts named; keywords, when given, replaces the whole keyword list, flow keywords included)',
        body: autoRepliesBody,
        response: { 200: autoRepliesSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: (tx) => setAutoReplies(ctx, tx, req.merchantId, req.body),
        present: (_v, tx) => present(tx, req.merchantId),
      }),
  );
}
