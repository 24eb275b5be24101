// The sandbox PSP's HTTP API under /sandbox/psp/v1 (Basic auth with the account's
// key pair) and its pay page. Reached over real HTTP, even from this same process, so
// the adapter that talks to it is exercised exactly as it would talk to Razorpay.
// Registered in sandbox mode only; its routes are kept out of chatcart's OpenAPI.
import { z } from 'zod';
import { cancelCheckout, createCheckout } from './psp.checkouts.ts';
import { registerPspControls } from './psp.controls.ts';
import { accountOf, answer, checkoutView, idempotencyKeyOf, idParams, pspAuthHook, pspErrorHandler, sendPspError } from './psp.http.ts';
import { registerPspPage } from './psp.page.ts';
import { presentPayment, presentRefund } from './psp.present.ts';
import { createRefund } from './psp.refunds.ts';
import { findCheckoutBy, getCheckout, getPayment, getRefund } from './psp.repository.ts';
import { chaosOf } from './psp.types.ts';
import type { App, SandboxContext } from '../host.ts';

const minor = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const checkoutBody = z.strictObject({
  amount: minor,
  currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be a 3-letter ISO 4217 code' }),
  reference_id: z.string().min(1).max(40),
  description: z.string().max(2048).optional(),
  expires_at: z.number().int().positive(),
  return_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  upi: z.boolean().optional(),
  customer: z.strictObject({ name: z.string().max(200).optional(), contact: z.string().max(40).optional() }).optional(),
});

const refundBody = z.strictObject({
  payment_id: z.string().min(1).max(64),
  amount: minor.optional(),
  reason: z.string().max(500).optional(),
});

const hide = { hide: true } as const;

function registerPspApi(app: App, ctx: SandboxContext) {
  app.post('/checkouts', { schema: { ...hide, body: checkoutBody } }, async (req, reply) => {
    const key = idempotencyKeyOf(req);
    if (!key.ok) return sendPspError(reply, 'bad_request', key.error);
    return answer(reply, await createCheckout(ctx, accountOf(req), key.value, req.body), (c) => checkoutView(ctx, ctx.db, c));
  });

  app.get('/checkouts', { schema: { ...hide, querystring: z.strictObject({ reference_id: z.string().min(1).max(40) }) } }, async (req) => {
    const c = await findCheckoutBy(ctx.db, accountOf(req).id, { referenceId: req.query.reference_id });
    return { object: 'list', data: c ? [await checkoutView(ctx, ctx.db, c)] : [] };
  });

  app.get('/checkouts/:id', { schema: { ...hide, params: idParams } }, async (req, reply) => {
    const c = await getCheckout(ctx.db, accountOf(req).id, req.params.id);
    if (!c) return sendPspError(reply, 'not_found', `No checkout ${req.params.id}`);
    return checkoutView(ctx, ctx.db, c);
  });

  app.post('/checkouts/:id/cancel', { schema: { ...hide, params: idParams } }, async (req, reply) =>
    answer(reply, await cancelCheckout(ctx, accountOf(req), req.params.id), (c) => checkoutView(ctx, ctx.db, c)),
  );

  app.get('/payments/:id', { schema: { ...hide, params: idParams } }, async (req, reply) => {
    const account = accountOf(req);
    const p = await getPayment(ctx.db, account.id, req.params.id);
    const c = p && (await getCheckout(ctx.db, account.id, p.checkout_id));
    if (!p || !c) return sendPspError(reply, 'not_found', `No payment ${req.params.id}`);
    return presentPayment(p, c, chaosOf(account));
  });

  app.post('/refunds', { schema: { ...hide, body: refundBody } }, async (req, reply) => {
    const key = idempotencyKeyOf(req);
    if (!key.ok) return sendPspError(reply, 'bad_request', key.error);
    return answer(reply, await createRefund(ctx, accountOf(req), key.value, req.body), presentRefund);
  });

  app.get('/refunds/:id', { schema: { ...hide, params: idParams } }, async (req, reply) => {
    const r = await getRefund(ctx.db, accountOf(req).id, req.params.id);
    if (!r) return sendPspError(reply, 'not_found', `No refund ${req.params.id}`);
    return presentRefund(r);
  });
}

/** Mounts the sandbox PSP (API, test controls, pay page). Refuses to exist in live mode. */
export async function registerSandboxPsp(app: App, ctx: SandboxContext): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  await app.register(
    async (api) => {
      api.setErrorHandler(pspErrorHandler);
      api.setNotFoundHandler((req, reply) => sendPspError(reply, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}`));
      api.addHook('onRequest', pspAuthHook(ctx));
      registerPspApi(api as App, ctx);
      registerPspControls(api as App, ctx);
    },
    { prefix: '/sandbox/psp/v1' },
  );
  await app.register(async (page) => registerPspPage(page as App, ctx), { prefix: '/sandbox/psp/pay' });
}
