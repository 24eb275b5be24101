// The nfm_reply completion webhook: the customer finished a flow and WhatsApp sent us its
// response_json (a string with flow_token and the params). Runs in the inbox item's
// transaction, after the inbound message was stored (a replayed message stops there).
// The token must be ours for this merchant and this customer; then the flow's own
// onCompleted makes sure its result exists, keyed by the token (orders.flow_token is
// unique), and the token is marked completed. Nothing in response_json is taken as fact.
import type { Tx } from '../../platform/store/db.ts';
import { getFlowToken, updateFlowToken } from './flows.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { readStoredState } from './definitions/flow.engine.ts';
import { getFlowDefinition } from './definitions/flow.registry.ts';

import type { FlowReplyInput, FlowReplyOutcome } from '../../platform/context.ts';

export async function completeFlowFromReply(ctx: AppContext, tx: Tx, i: FlowReplyInput): Promise<FlowReplyOutcome> {
  if (!i.responseJson) return { note: 'nfm_reply: response_json is not a JSON object; stored, nothing done' };
  if (!i.flowToken) return { note: 'nfm_reply: no flow_token in response_json; stored, nothing done' };
  const row = await getFlowToken(tx, i.flowToken, { forUpdate: true });
  if (!row || row.merchant_id !== i.merchantId || (row.customer_id ? row.customer_id !== i.customerId : row.wa_id !== i.waId)) {
    // Someone else's token, or a made-up one: not ours to act on. The event names no other merchant's data.
    await recordEvent(
      ctx,
      tx,
      { source: 'whatsapp', id: i.phoneNumberId },
      {
        merchantId: i.merchantId,
        type: 'flow.completion_ignored',
        data: { wamid: i.wamid, customer_id: i.customerId, wa_id: i.waId, reason: 'the flow token is not one this merchant sent to this customer' },
      },
    );
    return { note: 'nfm_reply: flow token not issued by this merchant to this customer; ignored' };
  }
  const def = getFlowDefinition(row.flow_name);
  if (!def) return { note: `nfm_reply: flow ${row.flow_name} is no longer served; ignored` };
  const now = ctx.clock.now();
  if (row.status !== 'completed' && (row.status === 'expired' || row.expires_at.getTime() <= now.getTime())) {
    return { note: `nfm_reply: flow token expired before completion; ignored` };
  }
  if (!def.onCompleted) {
    if (row.status !== 'completed') await updateFlowToken(tx, row.token, { status: 'completed' }, now);
    return { note: `nfm_reply: flow ${def.name} completed` };
  }
  const { state } = readStoredState(def, row.state);
  const done = await def.onCompleted(
    { ctx, tx, merchantId: i.merchantId, customerId: i.customerId, waId: i.waId, token: row.token, now, state },
    i.responseJson,
  );
  if (done.status === 'refused') {
    await recordEvent(
      ctx,
      tx,
      { source: 'whatsapp', id: i.phoneNumberId },
      {
        merchantId: i.merchantId,
        type: 'flow.completion_failed',
        data: { wamid: i.wamid, flow: def.name, reason: done.note },
      },
    );
    return { note: `nfm_reply: ${def.name} not completed: ${done.note}`, ...(done.reply ? { reply: done.reply } : {}) };
  }
  if (row.status !== 'completed') await updateFlowToken(tx, row.token, { status: 'completed' }, now);
  return { note: `nfm_reply: ${def.name} ${done.status === 'created' ? 'completed, created' : 'completed, already had'} ${done.ref}` };
}
