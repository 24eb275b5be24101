// Flow tokens: issued by us when a flow message is queued, bound to one merchant, one
// customer (wa_id) and one flow, valid until expires_at and until the flow completes.
// Format `flt_` + 192 random bits (base64url): unguessable, and recognisable in logs.
// The token is the key of the session's server-side state and of what the flow creates.
import { newSecretToken } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getFlowToken, insertFlowToken, updateFlowToken, type FlowTokenRow } from './flows.repository.ts';
import { learnCustomer } from '../customers/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { initialStoredState } from './definitions/flow.engine.ts';
import type { FlowDefinition } from './definitions/flow.types.ts';

export const FLOW_TOKEN_PREFIX = 'flt_';
const TOKEN_SHAPE = /^flt_[A-Za-z0-9_-]{32}$/;

export type FlowTokenRefusal = 'unknown' | 'expired' | 'completed';

/** The `error_msg` WhatsApp shows when it disables the flow (HTTP 427). */
export const FLOW_TOKEN_MESSAGES: Record<FlowTokenRefusal, string> = {
  unknown: 'This form is no longer available.',
  expired: 'This form has expired. Message us to get a new one.',
  completed: 'This form has already been submitted.',
};

export function newFlowToken(): string {
  return `${FLOW_TOKEN_PREFIX}${newSecretToken(24)}`;
}

export async function issueFlowToken(
  ctx: AppContext,
  tx: Tx,
  i: {
    merchantId: string;
    customerId?: string;
    waId: string | null;
    def: Pick<FlowDefinition<unknown>, 'name' | 'ttlSeconds' | 'initialState'>;
    ttlSeconds?: number;
  },
): Promise<FlowTokenRow> {
  const now = ctx.clock.now();
  const customerId = i.customerId ?? (await learnCustomer(ctx, tx, i.merchantId, { waId: i.waId }))?.id ?? null;
  return insertFlowToken(tx, {
    token: newFlowToken(),
    merchant_id: i.merchantId,
    customer_id: customerId,
    wa_id: i.waId,
    flow_name: i.def.name,
    state: { ...initialStoredState(i.def) },
    status: 'active',
    expires_at: new Date(now.getTime() + (i.ttlSeconds ?? i.def.ttlSeconds) * 1000),
    now,
  });
}

/**
 * Locks and checks the token for one endpoint request. Another merchant's token is
 * answered exactly like an unknown one, so the endpoint is no oracle for other shops.
 */
export async function claimFlowToken(ctx: AppContext, tx: Tx, merchantId: string, token: unknown): Promise<Result<FlowTokenRow, FlowTokenRefusal>> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return err('unknown');
  const row = await getFlowToken(tx, token, { forUpdate: true });
  if (!row || row.merchant_id !== merchantId) return err('unknown');
  if (row.status === 'completed') return err('completed');
  const now = ctx.clock.now();
  if (row.status === 'expired') return err('expired');
  if (row.expires_at.getTime() <= now.getTime()) {
    await updateFlowToken(tx, token, { status: 'expired' }, now);
    return err('expired');
  }
  return ok(row);
}
