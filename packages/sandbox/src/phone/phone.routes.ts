// The simulated customer phone, sandbox mode only: GET /sandbox/phone (the page), its
// scripts (plain JS read from disk once, at start), and GET /sandbox/phone/numbers,
// the sandbox numbers a customer can write to (never their tokens). The page talks to
// the simulated-customer API (/sandbox/customers/…) and the number card
// (/sandbox/whatsapp/numbers/{id}), like any other client of the sandbox.
import type { Result } from '../../../../src/domain/result.ts';
import fs from 'node:fs';
import type { FastifyReply } from 'fastify';
import { currencyExponent } from '../../../../src/domain/money.ts';
import { z } from 'zod';
import { completeFlow, exchangeFlow, openFlow, type FlowFailure } from './phone.flows.ts';
import { PHONE_CSP, phonePage } from './phone.page.ts';
import type { App, SandboxContext } from '../host.ts';

const hide = { schema: { hide: true } } as const;
const SCRIPTS = ['app.js', 'render.js', 'flow.js', 'address.js'] as const;

const flowParams = z.strictObject({ wamid: z.string().min(1).max(512) });
const flowQuery = z.strictObject({ wa_id: z.string().regex(/^[1-9]\d{6,14}$/) });
const exchangeBody = z.strictObject({
  wa_id: z.string().regex(/^[1-9]\d{6,14}$/),
  action: z.enum(['INIT', 'BACK', 'data_exchange']),
  screen: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
const completeBody = z.strictObject({ wa_id: z.string().regex(/^[1-9]\d{6,14}$/), payload: z.record(z.string(), z.unknown()).optional() });

function secured(reply: FastifyReply, type: string, cache: string): FastifyReply {
  return reply
    .header('content-security-policy', PHONE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', cache)
    .type(type);
}

/** Every sandbox number with its merchant's name and the decimals of its catalog's currencies. */
export async function listPhoneNumbers(ctx: SandboxContext) {
  const rows = await ctx.business.numbers(ctx.db);
  // The shop's name and currencies, as its business profile and catalog at Meta would say.
  const profiles = new Map<string, Promise<{ name: string; currencies: string[] } | undefined>>();
  const profileOf = (merchantId: string) => {
    let p = profiles.get(merchantId);
    if (!p) profiles.set(merchantId, (p = ctx.business.profile(merchantId)));
    return p;
  };
  return Promise.all(
    rows.map(async (r) => {
      const profile = await profileOf(r.merchant_id);
      return {
        phone_number_id: r.phone_number_id,
        display_phone_number: r.display_phone_number,
        merchant_name: profile?.name ?? '',
        currency_exponents: Object.fromEntries((profile?.currencies ?? []).map((c) => [c, currencyExponent(c) ?? 2])),
      };
    }),
  );
}

/** Mounts the phone page under /sandbox/phone. Refuses to exist in live mode. */
export async function registerSandboxPhone(app: App, ctx: SandboxContext): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  const scripts = new Map(SCRIPTS.map((name) => [name, fs.readFileSync(new URL(`./phone.${name}`, import.meta.url), 'utf8')]));
  const html = phonePage();

  await app.register(
    async (phone) => {
      phone.get('/', hide, async (_req, reply) => secured(reply, 'text/html; charset=utf-8', 'no-store').send(html));
      for (const [name, source] of scripts) {
        phone.get(`/${name}`, hide, async (_req, reply) => secured(reply, 'text/javascript; charset=utf-8', 'no-cache').send(source));
      }
      // Flows: the page names the flow message and the action; the sandbox does the crypto.
      type FlowParams = { wamid: string };
      const answer = (reply: FastifyReply, r: Result<unknown, FlowFailure>) =>
        r.ok
          ? reply.header('cache-control', 'no-store').send(r.value)
          : reply.code(r.error.status).send({ error: { type: 'sandbox_error', message: r.error.message } });
      phone.get<{ Params: FlowParams; Querystring: { wa_id: string } }>(
        '/flows/:wamid',
        { schema: { hide: true, params: flowParams, querystring: flowQuery } },
        async (req, reply) => answer(reply, await openFlow(ctx, req.params.wamid, req.query.wa_id)),
      );
      phone.post<{ Params: FlowParams; Body: z.infer<typeof exchangeBody> }>(
        '/flows/:wamid/exchange',
        { schema: { hide: true, params: flowParams, body: exchangeBody } },
        async (req, reply) => answer(reply, await exchangeFlow(ctx, req.params.wamid, req.body.wa_id, req.body)),
      );
      phone.post<{ Params: FlowParams; Body: z.infer<typeof completeBody> }>(
        '/flows/:wamid/complete',
        { schema: { hide: true, params: flowParams, body: completeBody } },
        async (req, reply) => answer(reply, await completeFlow(ctx, req.params.wamid, req.body.wa_id, req.body.payload ?? {})),
      );
      phone.get('/numbers', hide, async (_req, reply) => reply.header('cache-control', 'no-store').send({ object: 'list', data: await listPhoneNumbers(ctx) }));
    },
    { prefix: '/sandbox/phone' },
  );
}
