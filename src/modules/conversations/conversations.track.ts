// Keeping a customer's conversation current as messages are stored (called by the whatsapp
// module in the transaction that stores the message).
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import { noteStreamChanges } from '../events/index.ts';
import { upsertOnMessage, type ConversationRow, type LastMessage } from './conversations.repository.ts';

export async function recordConversationMessage(
  ctx: AppContext,
  tx: Tx,
  m: { merchantId: string; customerId: string; message: LastMessage; at: Date; staff?: boolean },
): Promise<ConversationRow> {
  const c = await upsertOnMessage(tx, {
    id: newId('cnv'),
    merchantId: m.merchantId,
    customerId: m.customerId,
    last: m.message,
    inbound: m.message.direction === 'in',
    staff: m.staff ?? false,
    at: m.at,
    now: ctx.clock.now(),
  });
  await noteConversation(ctx, tx, c);
  return c;
}

/** The live stream shows the conversation changed (coalesced per conversation). */
export const noteConversation = (ctx: AppContext, tx: Tx, c: Pick<ConversationRow, 'id' | 'merchant_id'>) =>
  noteStreamChanges(ctx, tx, [{ merchantId: c.merchant_id, type: 'conversation.updated', subjectId: c.id, conversationId: c.id }]);
