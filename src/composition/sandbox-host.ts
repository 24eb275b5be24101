// The sandbox's host: what the doubles (packages/sandbox, loaded in sandbox mode only) get
// from this server, through their own port (packages/sandbox/src/host.ts). Getters, not
// copies: the server learns its real port (and so its own origins) only once it listens.
import type { SandboxContext, SandboxHttp } from '@chatcart/sandbox';
import { getFlowKey, getFlowToken } from '../modules/flows/index.ts';
import { whatsappAppSecret } from '../modules/whatsapp/index.ts';
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
    },
  };
}

/** The settlement report's route sits behind /v1's authentication and answers in its envelope. */
export function sandboxHttp(deps: RouteDeps): SandboxHttp {
  return { authenticate: deps.authHook, merchantOf: (req) => req.merchantId, replyError: sendError };
}
