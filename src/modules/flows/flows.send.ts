// Sending a flow: issue a token bound to (merchant, customer, flow) and queue an
// interactive `flow` message. In data_exchange mode (the default) opening it calls our
// endpoint with INIT; in navigate mode the first screen is rendered now, from the same
// server state, and travels in the message (it opens without a round trip; the screens
// after it still come from our endpoint). Both in the caller's transaction: a token
// exists exactly when its message is queued.
import { flowMessage } from '../../adapters/whatsapp/message.builders.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getFlowKey, type FlowTokenRow } from './flows.repository.ts';
import type { MessageRow } from '../whatsapp/index.ts';
import { getNumberByMerchant } from '../whatsapp/index.ts';
import { resolveCustomer, type CustomerRef } from '../customers/index.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import type { AppContext } from '../../platform/context.ts';
import { issueFlowToken } from './flows.tokens.ts';
import { runFlowRequest } from './definitions/flow.engine.ts';
import { getFlowDefinition } from './definitions/flow.registry.ts';
import { updateFlowToken } from './flows.repository.ts';
import { queueMessage } from '../whatsapp/index.ts';

export interface SendFlowInput {
  /** "cus_…", {wa_id} (a number we do not know yet makes a new customer) or {bsuid}. */
  customer: CustomerRef;
  flow: string;
  /** The Flow's id in WhatsApp Manager; without it the message names the flow (flow_name). */
  flow_id?: string | undefined;
  flow_name?: string | undefined;
  mode?: 'published' | 'draft' | undefined;
  body?: string | undefined;
  cta?: string | undefined;
  header?: string | undefined;
  /** Seconds the token stays usable (default: the flow's own). */
  expires_in?: number | undefined;
  /** A reply the customer asked for (a keyword) is essential; an unprompted flow is not, so opt-outs hold. */
  essential?: boolean | undefined;
  /** data_exchange (default): the first screen comes from INIT. navigate: it is rendered now and sent in the message. */
  flow_action?: 'navigate' | 'data_exchange' | undefined;
}

export const NO_FLOWS_KEY = domainError(
  'conflict',
  'This merchant has no Flows key pair yet: create one (POST /v1/flows/keys or chatcart flows keygen) and register its public key with Meta',
);

export async function sendFlow(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  input: SendFlowInput,
): Promise<Result<{ token: FlowTokenRow; message: MessageRow }>> {
  const def = getFlowDefinition(input.flow);
  if (!def) return err(domainError('validation_error', `flow: no flow named ${input.flow}`, { path: 'flow' }));
  if (!(await getFlowKey(tx, merchantId))) return err(NO_FLOWS_KEY);
  if (!(await getNumberByMerchant(tx, merchantId))) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  const resolved = await resolveCustomer(ctx, tx, merchantId, input.customer, { create: true });
  if (!resolved.ok) return resolved;
  const customer = resolved.value;
  // An unprompted flow to a customer who opted out is refused, not queued and skipped later.
  if (!input.essential && customer.opted_out_at) {
    return err(
      domainError('customer_opted_out', 'This customer opted out of messages they did not ask for; they can opt in again by sending START', {
        customer_id: customer.id,
        wa_id: customer.wa_id,
      }),
    );
  }
  let token = await issueFlowToken(ctx, tx, { merchantId, customerId: customer.id, waId: customer.wa_id, def, ttlSeconds: input.expires_in });
  const action = input.flow_action ?? 'data_exchange';
  let first: { screen: string; data: Record<string, unknown> } | undefined;
  if (action === 'navigate') {
    // The same INIT the endpoint would run, so the screen is shown (visited) and its submit is accepted later.
    const now = ctx.clock.now();
    const outcome = await runFlowRequest(def, { ctx, tx, merchantId, customerId: customer.id, waId: customer.wa_id, token: token.token, now }, token.state, {
      action: 'INIT',
      data: {},
    });
    const state = outcome.stored as unknown as Record<string, unknown>;
    await updateFlowToken(tx, token.token, { state }, now);
    token = { ...token, state };
    first = outcome.response;
  }
  const built = flowMessage({
    ...addressOf(customer),
    ...(input.flow_id ? { flowId: input.flow_id } : { flowName: input.flow_name ?? def.metaFlowName }),
    flowToken: token.token,
    flowCta: input.cta ?? def.message.cta,
    ...(input.mode ? { mode: input.mode } : {}),
    ...(first
      ? { flowAction: 'navigate' as const, screen: first.screen, ...(Object.keys(first.data).length ? { data: first.data } : {}) }
      : { flowAction: 'data_exchange' as const }),
    ...((input.header ?? def.message.header) ? { header: input.header ?? def.message.header } : {}),
    body: input.body ?? def.message.body,
  });
  // A refused message rolls the token back with it (the caller's transaction fails).
  if (!built.ok) return built;
  const message = await queueMessage(ctx, tx, {
    merchantId,
    customerId: customer.id,
    type: 'interactive',
    body: built.value,
    purpose: `flow:${def.name}`,
    essential: input.essential ?? false,
  });
  if (!message) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  return ok({ token, message });
}
