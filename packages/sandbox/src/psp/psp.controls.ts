// Test controls of the sandbox PSP: what a merchant uses to play the customer's bank
// and the PSP's bad days (late authorisation, under/over-payment, disputes, duplicate,
// reordered, delayed or lost webhooks), plus the account's settings and event log.
import { z } from 'zod';
import { payCheckout, settlePendingPayment } from './psp.checkouts.ts';
import { accountOf, answer, idParams, sendPspError } from './psp.http.ts';
import { presentDispute, presentPayment } from './psp.present.ts';
import { decideDispute, openDispute } from './psp.refunds.ts';
import { getAccount, getDispute, listDeliveries, listEvents, setAccountChaos, setAccountWebhookUrl } from './psp.repository.ts';
import { chaosOf, PSP_EVENT_TYPES, unixSeconds, webhookTarget, type PspAccount, type PspChaos } from './psp.types.ts';
import { envelopeOf } from './psp.webhooks.ts';
import type { App, SandboxContext } from '../host.ts';
import { describeOwnOrigins, isOwnUrl } from '../own-origins.ts';

const probability = z.number().min(0).max(1);
const chaosBody = z.strictObject({
  duplicate: probability.optional(),
  reorder: z.boolean().optional(),
  delay_ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000)
    .optional(),
  drop: probability.optional(),
  fail_refunds: probability.optional(),
  fee_rate: z.number().min(0).max(0.2).optional(),
  fee_tax_rate: z.number().min(0).max(1).optional(),
});

const payBody = z.strictObject({
  outcome: z.enum(['success', 'failure', 'pending']),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

const disputeBody = z.strictObject({
  payment_id: z.string().min(1).max(64),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  reason: z.string().max(200).optional(),
});

const hide = { hide: true } as const;

function presentAccount(ctx: SandboxContext, a: PspAccount) {
  return {
    id: a.id,
    object: 'account',
    key_id: a.key_id,
    webhook_url: a.webhook_url,
    webhook_target: webhookTarget(ctx.publicUrl, a),
    chaos: chaosOf(a),
    created_at: unixSeconds(a.created_at),
  };
}

export function registerPspControls(app: App, ctx: SandboxContext) {
  const paymentResult = (a: PspAccount) => (v: { checkout: { reference_id: string }; payment: Parameters<typeof presentPayment>[0] }) =>
    presentPayment(v.payment, v.checkout, chaosOf(a));

  app.post('/checkouts/:id/pay', { schema: { ...hide, params: idParams, body: payBody } }, async (req, reply) =>
    answer(reply, await payCheckout(ctx, accountOf(req).id, req.params.id, req.body.outcome, req.body.amount), paymentResult(accountOf(req))),
  );

  app.post('/payments/:id/capture', { schema: { ...hide, params: idParams } }, async (req, reply) =>
    answer(reply, await settlePendingPayment(ctx, accountOf(req), req.params.id, 'captured'), paymentResult(accountOf(req))),
  );

  app.post('/payments/:id/fail', { schema: { ...hide, params: idParams } }, async (req, reply) =>
    answer(reply, await settlePendingPayment(ctx, accountOf(req), req.params.id, 'failed'), paymentResult(accountOf(req))),
  );

  app.post('/disputes', { schema: { ...hide, body: disputeBody } }, async (req, reply) =>
    answer(reply, await openDispute(ctx, accountOf(req), req.body), presentDispute),
  );

  app.get('/disputes/:id', { schema: { ...hide, params: idParams } }, async (req, reply) => {
    const d = await getDispute(ctx.db, accountOf(req).id, req.params.id);
    if (!d) return sendPspError(reply, 'not_found', `No dispute ${req.params.id}`);
    return presentDispute(d);
  });

  app.post('/disputes/:id/close', { schema: { ...hide, params: idParams, body: z.strictObject({ outcome: z.enum(['won', 'lost']) }) } }, async (req, reply) =>
    answer(reply, await decideDispute(ctx, accountOf(req), req.params.id, req.body.outcome), presentDispute),
  );

  app.get('/account', { schema: hide }, async (req) => presentAccount(ctx, accountOf(req)));

  // PUT replaces the whole chaos setting: what is not sent goes back to "behave".
  app.put('/account/chaos', { schema: { ...hide, body: chaosBody } }, async (req) => {
    const chaos: PspChaos = chaosOf({ chaos: req.body });
    await setAccountChaos(ctx.db, accountOf(req).id, chaos);
    return chaos;
  });

  // A path of this server itself (its public URL, or its port on loopback); null sends
  // webhooks to chatcart's own receiver again. Never anywhere else (SSRF).
  app.put(
    '/account/webhook',
    {
      schema: {
        ...hide,
        body: z.strictObject({
          url: z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .nullable(),
        }),
      },
    },
    async (req, reply) => {
      if (req.body.url !== null && !isOwnUrl(ctx.ownOrigins, req.body.url))
        return sendPspError(reply, 'bad_request', `url must be an address of this server: ${describeOwnOrigins(ctx.ownOrigins)}`);
      const id = accountOf(req).id;
      await setAccountWebhookUrl(ctx.db, id, req.body.url);
      return presentAccount(ctx, (await getAccount(ctx.db, id))!);
    },
  );

  // The event log with each event's delivery attempts: "why did my webhook not arrive?"
  app.get(
    '/events',
    {
      schema: {
        ...hide,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20), type: z.enum(PSP_EVENT_TYPES).optional() }),
      },
    },
    async (req) => {
      const events = await listEvents(ctx.db, accountOf(req).id, { limit: req.query.limit, ...(req.query.type ? { type: req.query.type } : {}) });
      const deliveries = await listDeliveries(
        ctx.db,
        events.map((e) => e.id),
      );
      return {
        object: 'list',
        data: events.map((e) => ({
          ...envelopeOf(e),
          deliveries: deliveries
            .filter((d) => d.event_id === e.id)
            .map((d) => ({ url: d.url, status_code: d.status_code, error: d.error, attempted_at: unixSeconds(d.attempted_at) })),
        })),
      };
    },
  );
}
