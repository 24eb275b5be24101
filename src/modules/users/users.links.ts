// One-time links: an invitation (72 h) sets a new user's first password, a reset (1 h) a
// forgotten one. Stored as a sha256 of the token, used once; a newer link retires the
// user's older ones. Opening the link (GET) only shows a form: link-preview crawlers and
// mail scanners open every link. Posting the form consumes it and signs the user in; a
// reset also ends every session the user had.
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getMerchant } from '../merchants/index.ts';
import { recordAudit } from './users.audit.ts';
import { hashPassword } from './users.passwords.ts';
import * as repo from './users.repository.ts';
import type { LinkRow, UserRow } from './users.repository.ts';
import { hashToken, revokeAllSessions, startSession, type RequestMeta, type StartedSession } from './users.sessions.ts';

export type LinkKind = LinkRow['kind'];

export const LINK_TTL_SECONDS: Record<LinkKind, number> = { invitation: 72 * 3600, reset: 3600 };

/** The path segment of each kind: /console/invite/{token}, /console/reset/{token}. */
export const LINK_PATH: Record<LinkKind, string> = { invitation: 'invite', reset: 'reset' };

export interface IssuedLink {
  url: string;
  /** The URL's path, for a caller that learns the public URL later (the first start, before it listens). */
  path: string;
  kind: LinkKind;
  expires_at: Date;
}

const linkPath = (kind: LinkKind, token: string): string => `/console/${LINK_PATH[kind]}/${token}`;

/** A new link for `user` (its older unused ones stop working). The caller records what it is for in the audit log. */
export async function issueLink(ctx: AppContext, tx: Tx, user: UserRow, kind: LinkKind): Promise<IssuedLink> {
  const now = ctx.clock.now();
  await repo.retireLinks(tx, user.id, now);
  const token = newSecretToken(32);
  const expiresAt = new Date(now.getTime() + LINK_TTL_SECONDS[kind] * 1000);
  await repo.insertLink(tx, { id: newId('lnk'), userId: user.id, merchantId: user.merchant_id, kind, tokenHash: hashToken(token), now, expiresAt });
  const path = linkPath(kind, token);
  return { url: `${ctx.publicUrl}${path}`, path, kind, expires_at: expiresAt };
}

/** A reset link for the user with this email (CLI: the server sends no email). */
export async function issueResetLink(ctx: AppContext, tx: Tx, actor: Actor, user: UserRow): Promise<IssuedLink> {
  const link = await issueLink(ctx, tx, user, 'reset');
  await recordAudit(ctx, tx, { merchantId: user.merchant_id, type: 'user.reset_link_created', actor, subject: user.id, data: { email: user.email } });
  return link;
}

const GONE = 'This link is not valid: it was used already, replaced by a newer one, or it has expired. Ask the shop owner for a new one';

/** What the form shows (nothing changes): whose link it is, or why it does not work. */
export async function inspectLink(ctx: AppContext, q: Queryable, kind: LinkKind, token: string): Promise<Result<{ user: UserRow; merchantName: string }>> {
  const found = await usable(ctx, q, kind, token, false);
  if (!found.ok) return found;
  const merchant = await getMerchant(q, found.value.user.merchant_id);
  return ok({ user: found.value.user, merchantName: merchant?.name ?? '' });
}

async function usable(ctx: AppContext, q: Queryable, kind: LinkKind, token: string, forUpdate: boolean): Promise<Result<{ link: LinkRow; user: UserRow }>> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return err(domainError('not_found', GONE));
  const link = await repo.findLinkByHash(q, hashToken(token), { forUpdate });
  if (!link || link.kind !== kind || link.used_at || new Date(link.expires_at).getTime() <= ctx.clock.now().getTime()) {
    return err(domainError('not_found', GONE));
  }
  const user = await repo.getUser(q, link.merchant_id, link.user_id, { forUpdate });
  if (!user) return err(domainError('not_found', GONE));
  const merchant = await getMerchant(q, user.merchant_id);
  if (merchant?.demo && ctx.mode === 'live')
    return err(domainError('forbidden', "This user belongs to the sandbox's demo merchant, which is inert in live mode"));
  return ok({ link, user });
}

/**
 * The form's POST: the link is used (once), the password set, and a new session started.
 * A reset ends every session the user had first. `passwordHash` is computed by the caller
 * before the transaction (argon2 is slow; no row is locked meanwhile).
 */
export async function consumeLink(
  ctx: AppContext,
  tx: Tx,
  kind: LinkKind,
  token: string,
  passwordHash: string,
  meta: RequestMeta,
): Promise<Result<StartedSession>> {
  const found = await usable(ctx, tx, kind, token, true);
  if (!found.ok) return found;
  const { link, user } = found.value;
  const now = ctx.clock.now();
  await repo.markLinkUsed(tx, link.id, now);
  const updated = (await repo.updateUser(tx, user.merchant_id, user.id, { passwordHash }, now))!;
  const actor: Actor = { source: 'api', id: user.id, address: meta.address ?? undefined };
  if (kind === 'reset') await revokeAllSessions(ctx, tx, actor, updated, 'password reset', meta.address);
  await recordAudit(ctx, tx, {
    merchantId: user.merchant_id,
    type: kind === 'reset' ? 'user.password_reset' : 'user.invitation_accepted',
    actor,
    address: meta.address,
    subject: user.id,
    data: { link_id: link.id },
  });
  return ok(await startSession(ctx, tx, updated, meta, kind));
}

export { hashPassword };
