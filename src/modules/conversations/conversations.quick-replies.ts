// Quick replies: saved answers an agent picks in the composer by their shortcut ("/thanks").
// A shortcut is matched normalized (lower case, no leading slash); it is unique per merchant.
// The text is what is sent: the composer fills it in, the agent may edit it before sending.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import {
  countQuickReplies,
  deleteQuickReply,
  findQuickReplyByShortcut,
  getQuickReply,
  insertQuickReply,
  updateQuickReply,
  type QuickReplyRow,
} from './quick-replies.repository.ts';

export const MAX_QUICK_REPLIES = 500;
export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** NFKC, lower case, trimmed, without the leading slash the composer shows. */
export function normalizeShortcut(s: string): string {
  return s.normalize('NFKC').trim().replace(/^\/+/, '').toLowerCase();
}

const badShortcut = () =>
  err(domainError('validation_error', 'shortcut: 1 to 32 characters: letters, digits, - and _ (a leading / is dropped)', { path: 'shortcut' }));
const taken = (s: string) => err(domainError('conflict', `A quick reply with shortcut "${s}" exists already`, { path: 'shortcut' }));
const notFound = (id: string) => err(domainError('not_found', `No quick reply ${id}`));

export async function createQuickReply(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  input: { shortcut: string; text: string },
): Promise<Result<QuickReplyRow>> {
  const shortcut = normalizeShortcut(input.shortcut);
  if (!SHORTCUT_PATTERN.test(shortcut)) return badShortcut();
  if ((await countQuickReplies(tx, merchantId)) >= MAX_QUICK_REPLIES)
    return err(domainError('conflict', `A merchant has at most ${MAX_QUICK_REPLIES} quick replies; delete one first`));
  const row = await insertQuickReply(tx, {
    id: newId('qrp'),
    merchant_id: merchantId,
    shortcut,
    body: input.text,
    created_by: actor.id ?? null,
    now: ctx.clock.now(),
  });
  return row ? ok(row) : taken(shortcut);
}

export async function changeQuickReply(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  id: string,
  input: { shortcut?: string | undefined; text?: string | undefined },
): Promise<Result<QuickReplyRow>> {
  const row = await getQuickReply(tx, merchantId, id, { forUpdate: true });
  if (!row) return notFound(id);
  const shortcut = input.shortcut === undefined ? undefined : normalizeShortcut(input.shortcut);
  if (shortcut !== undefined && !SHORTCUT_PATTERN.test(shortcut)) return badShortcut();
  if (shortcut !== undefined && shortcut !== row.shortcut) {
    const other = await findQuickReplyByShortcut(tx, merchantId, shortcut);
    if (other) return taken(shortcut);
  }
  return ok(await updateQuickReply(tx, merchantId, id, { shortcut, body: input.text }, ctx.clock.now()));
}

export async function removeQuickReply(tx: Tx, merchantId: string, id: string): Promise<Result<{ id: string }>> {
  return (await deleteQuickReply(tx, merchantId, id)) ? ok({ id }) : notFound(id);
}
