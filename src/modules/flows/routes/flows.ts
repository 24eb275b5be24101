// WhatsApp Flows for the merchant API: the Flows key pair (create or rotate; read the
// public key to register with Meta) and sending a flow message to a customer.
import { z } from 'zod';
import { generateFlowKeyPair } from '../../../adapters/flows/flow-crypto.ts';
import { storeFlowKeys } from '../flows.keys.ts';
import { flowKeysSchema, flowMessageSchema, presentFlowKeys } from '../flows.present.ts';
import { sendFlow } from '../flows.send.ts';
import { FLOW_NAMES } from '../definitions/flow.registry.ts';
import { domainError } from '../../../domain/errors.ts';
import { err } from '../../../domain/result.ts';
import { getFlowKey } from '../flows.queries.ts';
import { iso } from '../../../platform/http/page.ts';
import { errorEnvelope } from '../../../platform/http/openapi.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { customerRef, waId } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const sendBody = z.strictObject({
  /** The older spelling of customer: {wa_id}. */
  wa_id: waId.optional(),
  customer: customerRef.optional(),
  flow: z.enum(FLOW_NAMES),
  flow_id: z
    .string()
    .regex(/^\d{1,32}$/, { message: 'must be the numeric Flow id from WhatsApp Manager' })
    .optional(),
  flow_name: z.string().min(1).max(200).optional(),
  mode: z.enum(['published', 'draft']).optional(),
  header: z.string().min(1).max(60).optional(),
  body: z.string().min(1).max(1024).optional(),
  cta: z.string().min(1).max(30).optional(), // Meta's limit for flow_cta
  expires_in: z
    .number()
    .int()
    .min(300)
    .max(30 * 86_400)
    .optional(),
  essential: z.boolean().optional(),
  flow_action: z.enum(['data_exchange', 'navigate']).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/flows/keys',
    {
      schema: {
        response: { 201: flowKeysSchema },
        summary: 'Create the Flows key pair (or rotate it); returns the public key to register with Meta',
        body: z.strictObject({ rotate: z.boolean().optional() }).optional(),
      },
    },
    async (req, reply) => {
      // Generated before the transaction: RSA key generation takes tens of milliseconds.
      const pair = await generateFlowKeyPair();
      return mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => storeFlowKeys(ctx, tx, req.merchantId, pair, { rotate: req.body?.rotate ?? false }),
        present: (row) => presentFlowKeys(ctx, row),
      });
    },
  );

  app.get(
    '/v1/flows/keys',
    { schema: { response: { 200: flowKeysSchema, 404: errorEnvelope }, summary: 'The Flows public key and endpoint URL' } },
    async (req, reply) => {
      const row = await getFlowKey(ctx.db, req.merchantId);
      if (!row) return sendError(req, reply, domainError('not_found', 'No Flows key pair yet: POST /v1/flows/keys creates one'));
      return reply.send(presentFlowKeys(ctx, row));
    },
  );

  app.post(
    '/v1/flows/send',
    {
      schema: {
        response: { 201: flowMessageSchema },
        summary: 'Send a flow message to a customer (data_exchange by default; navigate carries the first screen)',
        body: sendBody,
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 201,
        run: (tx) => {
          const { wa_id, customer, ...rest } = req.body;
          const ref = customer ?? (wa_id ? { wa_id } : undefined);
          if (!ref) return Promise.resolve(err(domainError('validation_error', 'customer (or wa_id) is required', { path: 'customer' })));
          return sendFlow(ctx, tx, req.merchantId, { ...rest, customer: ref });
        },
        present: ({ token, message }) => ({
          object: 'flow_message' as const,
          flow: token.flow_name,
          customer_id: token.customer_id,
          wa_id: token.wa_id,
          message_id: message.id,
          // The merchant's own session key: shown so a test or the sandbox can follow the flow.
          flow_token: token.token,
          expires_at: iso(token.expires_at)!,
        }),
      }),
  );
}
