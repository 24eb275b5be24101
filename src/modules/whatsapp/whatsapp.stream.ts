// The live stream (GET /v1/stream) shows a message's delivery status moving, coalesced per message.
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { noteStreamChanges } from '../events/index.ts';
import type { MessageRow } from './whatsapp-messages.repository.ts';

/** The live stream shows a message's status moving (coalesced per message). */
export const noteMessageStatus = (ctx: AppContext, tx: Tx, ms: Pick<MessageRow, 'id' | 'merchant_id' | 'conversation_id'>[]) =>
  noteStreamChanges(
    ctx,
    tx,
    ms.map((m) => ({ merchantId: m.merchant_id, type: 'message.status' as const, subjectId: m.id, conversationId: m.conversation_id ?? null })),
  );
