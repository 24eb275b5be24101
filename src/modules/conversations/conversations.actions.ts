// What a person does with a conversation: assign it, close or reopen it, mark it read, write a
// note (internal, never sent). Closing hands the conversation back to automation.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import {
  getConversation,
  insertNote,
  isUserOfMerchant,
  updateConversation,
  type ConversationPatch,
  type ConversationRow,
  type NoteRow,
} from './conversations.repository.ts';
import { noteConversation } from './conversations.track.ts';

const notFound = (id: string) => err(domainError('not_found', `No conversation ${id}`));

async function change(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  id: string,
  patch: (c: ConversationRow) => ConversationPatch,
): Promise<Result<ConversationRow>> {
  const c = await getConversation(tx, merchantId, id, { forUpdate: true });
  if (!c) return notFound(id);
  const changed = await updateConversation(tx, merchantId, id, patch(c), ctx.clock.now());
  await noteConversation(ctx, tx, changed);
  return ok(changed);
}

export async function assignConversation(ctx: AppContext, tx: Tx, merchantId: string, id: string, assignee: string | null): Promise<Result<ConversationRow>> {
  if (assignee !== null && !(await isUserOfMerchant(tx, merchantId, assignee)))
    return err(domainError('validation_error', `assignee: no user ${assignee} in this account`, { path: 'assignee' }));
  return change(ctx, tx, merchantId, id, () => ({ assigned_to: assignee }));
}

export const closeConversation = (ctx: AppContext, tx: Tx, merchantId: string, id: string) =>
  change(ctx, tx, merchantId, id, (c) => (c.status === 'closed' ? {} : { status: 'closed', closed_at: ctx.clock.now(), automation: 'on' }));

export const reopenConversation = (ctx: AppContext, tx: Tx, merchantId: string, id: string) =>
  change(ctx, tx, merchantId, id, (c) => (c.status === 'open' ? {} : { status: 'open', closed_at: null }));

/** Unread back to zero; the caller sends WhatsApp's read receipt. */
export const markConversationRead = (ctx: AppContext, tx: Tx, merchantId: string, id: string) => change(ctx, tx, merchantId, id, () => ({ unread_count: 0 }));

export async function addNote(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string, body: string): Promise<Result<NoteRow>> {
  const c = await getConversation(tx, merchantId, id);
  if (!c) return notFound(id);
  const note = await insertNote(tx, {
    id: newId('nte'),
    merchant_id: merchantId,
    conversation_id: id,
    author: actor.id ?? actor.source,
    body,
    now: ctx.clock.now(),
  });
  await noteConversation(ctx, tx, c);
  return ok(note);
}

/**
 * Automatic replies resume in a paused conversation whose last staff reply is at or before
 * `cutoff` (resume_after_minutes without a reply from staff). The row, locked; changed or not.
 */
export async function resumeAutomation(ctx: AppContext, tx: Tx, merchantId: string, id: string, cutoff: Date): Promise<ConversationRow | undefined> {
  const c = await getConversation(tx, merchantId, id, { forUpdate: true });
  if (!c || c.automation === 'on') return c;
  if (c.last_staff_reply_at && c.last_staff_reply_at.getTime() > cutoff.getTime()) return c;
  return updateConversation(tx, merchantId, id, { automation: 'on' }, ctx.clock.now());
}
