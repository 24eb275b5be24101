// Keeping a customer's conversation current as messages are stored (called by the whatsapp
// module in the transaction that stores the message).
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import { upsertOnMessage, type ConversationRow, type LastMessage } from './conversations.repository.ts';

export async function recordConversationMessage(
  ctx: AppContext,
  tx: Tx,
  m: { merchantId: string; customerId: string; message: LastMessage; at: Date; staff?: boolean },
): Promise<ConversationRow> {
  return upsertOnMessage(tx, {
    id: newId('cnv'),
    merchantId: m.merchantId,
    customerId: m.customerId,
    last: m.message,
    inbound: m.message.direction === 'in',
    staff: m.staff ?? false,
    at: m.at,
    now: ctx.clock.now(),
  });
}
