// The Flows data endpoint's use case (POST /flows/endpoint/{merchant_id}). Order of checks:
// 1. X-Hub-Signature-256 over the raw body with the app secret (global: one Meta app
//    serves every merchant): missing or wrong → 432. Meta signs every request of a Flow
//    connected to our app, and our setup requires that connection (docs/flows.md), so an
//    unsigned request did not come from Meta.
// 2. The merchant's key pair → 404 when there is none.
// 3. Decryption (RSA-OAEP-SHA256 key unwrap, AES-128-GCM with the tag checked before
//    parsing) → 421 for any failure, malformed JSON inside included.
// 4. ping and client error notifications are answered without a token.
// 5. The flow token, locked for the request: unknown, another merchant's, expired or
//    completed → 427 with an encrypted {error_msg}; else the flow handles the request and
//    its new state is saved in the same transaction as anything it created.
import { z } from 'zod';
import { decryptFlowRequest, encryptFlowResponse, parseFlowEnvelope } from '../../adapters/flows/flow-crypto.ts';
import { verifyWebhookSignature } from '../../adapters/whatsapp/signature.ts';
import { isUniqueViolation } from '../../platform/store/db.ts';
import { updateFlowToken } from './flows.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';
import { FlowKeyCache } from './flows.keys.ts';
import { claimFlowToken, FLOW_TOKEN_MESSAGES, type FlowTokenRefusal } from './flows.tokens.ts';
import { runFlowRequest } from './definitions/flow.engine.ts';
import { getFlowDefinition } from './definitions/flow.registry.ts';
import { whatsappAppSecret } from '../whatsapp/index.ts';

/** Meta's endpoint status codes (whatsapp.md §4). */
export const FLOW_STATUS = { ok: 200, badRequest: 400, notFound: 404, cannotDecrypt: 421, badToken: 427, badSignature: 432, error: 500 } as const;

export interface FlowEndpointAnswer {
  status: number;
  /** base64 ciphertext (text/plain), or empty. */
  body: string;
}

const requestSchema = z.object({
  version: z.string().max(20).optional(),
  action: z.enum(['ping', 'INIT', 'BACK', 'data_exchange']),
  screen: z.string().max(200).optional(),
  data: z.record(z.string(), z.unknown()).nullish(),
  flow_token: z.string().max(2048).optional(),
});

const empty = (status: number): FlowEndpointAnswer => ({ status, body: '' });

export class FlowEndpoint {
  private readonly keys = new FlowKeyCache();
  private secret: Promise<string> | undefined;

  constructor(private readonly ctx: AppContext) {}

  private appSecret(): Promise<string> {
    return (this.secret ??= whatsappAppSecret(this.ctx, this.ctx.db).catch((e: unknown) => {
      this.secret = undefined;
      throw e;
    }));
  }

  async handle(merchantId: string, raw: Buffer, signature: string | undefined): Promise<FlowEndpointAnswer> {
    const { ctx } = this;
    if (!verifyWebhookSignature(raw, signature, await this.appSecret())) return empty(FLOW_STATUS.badSignature);
    const key = await this.keys.privateKey(ctx, ctx.db, merchantId);
    if (!key) return empty(FLOW_STATUS.notFound);
    const envelope = parseFlowEnvelope(raw);
    if (!envelope) return empty(FLOW_STATUS.cannotDecrypt);
    const dec = decryptFlowRequest(envelope, key);
    if (!dec.ok) {
      ctx.log.info({ merchant_id: merchantId, reason: dec.error }, 'flow request could not be decrypted');
      return empty(FLOW_STATUS.cannotDecrypt);
    }
    const seal = (status: number, body: unknown): FlowEndpointAnswer => ({ status, body: encryptFlowResponse(body, dec.value.aesKey, dec.value.iv) });
    const parsed = requestSchema.safeParse(dec.value.payload);
    if (!parsed.success) return empty(FLOW_STATUS.badRequest);
    const req = parsed.data;
    if (req.action === 'ping') return seal(FLOW_STATUS.ok, { data: { status: 'active' } });
    if (req.data && req.data['error'] !== undefined) {
      // The client reporting that it could not use one of our answers: logged, acknowledged.
      ctx.log.warn(
        { merchant_id: merchantId, action: req.action, error: req.data['error'], error_message: req.data['error_message'] },
        'flow client error notification',
      );
      return seal(FLOW_STATUS.ok, { data: { acknowledged: true } });
    }
    const refuse = (reason: FlowTokenRefusal) => seal(FLOW_STATUS.badToken, { error_msg: FLOW_TOKEN_MESSAGES[reason] });
    try {
      const r = await inTransaction(ctx, async (tx): Promise<{ refused: FlowTokenRefusal } | { response: unknown }> => {
        const claim = await claimFlowToken(ctx, tx, merchantId, req.flow_token);
        if (!claim.ok) return { refused: claim.error };
        const token = claim.value;
        const def = getFlowDefinition(token.flow_name);
        if (!def) return { refused: 'unknown' };
        const now = ctx.clock.now();
        const base = { ctx, tx, merchantId, customerId: token.customer_id ?? '', waId: token.wa_id, token: token.token, now };
        const outcome = await runFlowRequest(def, base, token.state, {
          action: req.action as 'INIT' | 'BACK' | 'data_exchange',
          screen: req.screen || undefined,
          data: req.data ?? {},
        });
        await updateFlowToken(tx, token.token, { state: { ...outcome.stored }, ...(outcome.completed ? { status: 'completed' as const } : {}) }, now);
        return { response: outcome.response };
      });
      if ('refused' in r) return refuse(r.refused);
      return seal(FLOW_STATUS.ok, r.response);
    } catch (e) {
      // A second completion racing the first: the unique index on orders.flow_token said no.
      if (isUniqueViolation(e, 'orders_flow_token')) return refuse('completed');
      ctx.log.error({ err: e, merchant_id: merchantId, action: req.action, screen: req.screen }, 'flow request failed');
      return empty(FLOW_STATUS.error);
    }
  }
}
