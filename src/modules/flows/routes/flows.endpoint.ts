// POST /flows/endpoint/{merchant_id}: the WhatsApp Flows data endpoint (docs/flows.md).
// The body is kept as raw bytes (the signature is over exactly what was sent) and the
// answer is base64 ciphertext as text/plain, or an empty body with Meta's status code
// (421 cannot decrypt, 427 flow token refused, 432 bad signature).
import { FlowEndpoint, FLOW_STATUS } from '../flows.endpoint.ts';
import { SIGNATURE_HEADER } from '../../../adapters/whatsapp/signature.ts';
import { domainError } from '../../../domain/errors.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { z } from 'zod';

/** A Flow request carries one screen's form: kilobytes. */
export const FLOW_BODY_LIMIT = 1024 * 1024;

export function register(app: App, { ctx }: RouteDeps) {
  const endpoint = new FlowEndpoint(ctx);
  app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FLOW_BODY_LIMIT }, (_req, body, done) => done(null, body));
    scoped.post<{ Params: { merchant_id: string } }>(
      '/flows/endpoint/:merchant_id',
      {
        schema: {
          summary: 'WhatsApp Flows data endpoint (called by Meta): an encrypted request, signed with the app secret; the answer is encrypted',
          security: [],
          response: {
            200: { description: 'The encrypted answer (base64)', content: { 'text/plain': { schema: z.string() } } },
            421: z.null().describe('Cannot decrypt: Meta fetches the public key again'),
            427: z.null().describe('The flow token is refused (unknown, expired or used)'),
            432: z.null().describe('The signature does not match'),
          },
        },
        bodyLimit: FLOW_BODY_LIMIT,
      },
      async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const sig = req.headers[SIGNATURE_HEADER];
        const answer = await endpoint.handle(req.params.merchant_id, raw, Array.isArray(sig) ? sig[0] : sig);
        if (answer.status === FLOW_STATUS.notFound)
          return sendError(req, reply, domainError('not_found', 'No Flows endpoint for this merchant (no such merchant, or no Flows key pair)'));
        return reply.code(answer.status).type('text/plain').send(answer.body);
      },
    );
  });
}
