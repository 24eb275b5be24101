// A person read a conversation: unread goes to zero and WhatsApp gets a read receipt for the
// customer's latest message (Meta marks the earlier ones read with it), sent by a job so a
// slow Graph API never holds the request.
import { ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { PermanentJobError } from '../../platform/jobs/job-errors.ts';
import type { AppContext } from '../../platform/context.ts';
import { markConversationRead, type ConversationRow } from '../conversations/index.ts';
import { getMessage, latestInbound } from './whatsapp-messages.repository.ts';
import { getNumber } from './whatsapp-numbers.repository.ts';
import { graphFor, tokenFor } from './whatsapp.send.ts';
import { isInertNumber } from './whatsapp.numbers.ts';

export async function readConversation(ctx: AppContext, tx: Tx, merchantId: string, conversationId: string): Promise<Result<ConversationRow>> {
  const r = await markConversationRead(ctx, tx, merchantId, conversationId);
  if (!r.ok) return r;
  const last = await latestInbound(tx, merchantId, conversationId);
  if (last) {
    await enqueueJob(tx, {
      kind: 'whatsapp.mark_read',
      merchantId,
      payload: { message_id: last.id },
      runAt: ctx.clock.now(),
      dedupeKey: `whatsapp.mark_read:${last.id}`,
      maxAttempts: 5,
    });
  }
  return ok(r.value);
}

/** The job: Meta's `status: read` for the message. Best effort: a receipt that cannot be sent is dropped after its tries. */
export async function sendReadReceipt(ctx: AppContext, messageId: string): Promise<void> {
  const m = await getMessage(ctx.db, messageId);
  if (!m || m.direction !== 'in' || !m.wamid) return;
  const number = await getNumber(ctx.db, m.phone_number_id);
  if (!number || isInertNumber(ctx, number) || number.token_status === 'invalid') return;
  const token = tokenFor(ctx, number);
  if (!token) return;
  const r = await graphFor(ctx, number).markRead(number.phone_number_id, token, m.wamid);
  if (!r.ok) {
    if (r.error.class === 'permanent') throw new PermanentJobError(`read receipt refused: ${r.error.code} ${r.error.title}`);
    throw new Error(`read receipt failed (${r.error.code} ${r.error.title}): will retry`);
  }
}
