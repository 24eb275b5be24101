// The sandbox's host: what the doubles (packages/sandbox, loaded in sandbox mode only) get
// from this server, through their own port (packages/sandbox/src/host.ts). Getters, not
// copies: the server learns its real port (and so its own origins) only once it listens.
import type { SandboxContext, SandboxHttp } from '@chatcart/sandbox';
import { activeProductCurrencies, listActiveProductsByRetailerId } from '../modules/catalog/index.ts';
import { getFlowKey, getFlowToken } from '../modules/flows/index.ts';
import { getMerchant } from '../modules/merchants/index.ts';
import { findSandboxNumberByToken, getSandboxNumber, listSandboxNumbers, whatsappAppSecret } from '../modules/whatsapp/index.ts';
import type { AppContext } from '../platform/context.ts';
import { sendError } from '../platform/http/errors.ts';
import type { RouteDeps } from '../platform/http/route-deps.ts';
import { enqueueJob } from '../platform/jobs/jobs.repository.ts';
import { PermanentJobError } from '../platform/jobs/runner.ts';

export function sandboxContext(ctx: AppContext): SandboxContext {
  return {
    get db() {
      return ctx.db;
    },
    get clock() {
      return ctx.clock;
    },
    get mode() {
      return ctx.mode;
    },
    get publicUrl() {
      return ctx.publicUrl;
    },
    get ownOrigins() {
      return ctx.ownOrigins;
    },
    jobsEnqueued: () => ctx.jobsEnqueued(),
    jobs: { enqueue: enqueueJob, permanent: (reason) => new PermanentJobError(reason) },
    business: {
      whatsappAppSecret: () => whatsappAppSecret(ctx, ctx.db),
      flowPublicKey: async (merchantId) => (await getFlowKey(ctx.db, merchantId))?.public_key_pem,
      flowNameOfToken: async (token) => (await getFlowToken(ctx.db, token))?.flow_name,
      catalogProducts: async (merchantId, opts) =>
        (await listActiveProductsByRetailerId(ctx.db, merchantId, opts)).map((p) => ({
          id: p.id,
          retailer_id: p.retailer_id,
          name: p.name,
          description: p.description,
          price: p.price,
          currency: p.currency,
          image_url: p.image_url,
        })),
      number: (q, phoneNumberId) => getSandboxNumber(q, phoneNumberId),
      numberByToken: (q, token) => findSandboxNumberByToken(q, token),
      numbers: (q) => listSandboxNumbers(q),
      profile: async (merchantId) => {
        const m = await getMerchant(ctx.db, merchantId);
        return m && { name: m.name, currencies: await activeProductCurrencies(ctx.db, merchantId) };
      },
    },
  };
}

/** The settlement report's route sits behind /v1's authentication and answers in its envelope. */
export function sandboxHttp(deps: RouteDeps): SandboxHttp {
  return { authenticate: deps.authHook, merchantOf: (req) => req.merchantId, replyError: sendError };
}
