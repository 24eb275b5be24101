// Console sessions: server-side rows, found by a sha256 of the cookie's token (256 random
// bits), revocable, with an idle and an absolute expiry. A login always mints a new token
// and ends the session the browser came with (rotation: a token planted before login is
// worth nothing after it). Unknown email and wrong password: the same 401, after the same
// argon2 work (users.passwords.ts).
import crypto from 'node:crypto';
import { domainError } from '../../domain/errors.ts';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Actor, AccountSettings, AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { SessionAuth } from '../../platform/http/app.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { recordAudit } from './users.audit.ts';
import { checkPassword } from './users.passwords.ts';
import * as repo from './users.repository.ts';
import type { SessionRow, UserRow } from './users.repository.ts';

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  sessionIdleSeconds: 12 * 3600,
  sessionMaxSeconds: 7 * 86_400,
  loginsPerAccount: 10,
  loginsPerAddress: 30,
};
export const accountSettings = (ctx: AppContext): AccountSettings => ctx.accounts ?? DEFAULT_ACCOUNT_SETTINGS;

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** One spelling per address: NFKC, trimmed, lower case (the whole address: no mail system we know of tells Asha@ from asha@). */
export const normalizeEmail = (email: string): string => email.normalize('NFKC').trim().toLowerCase();

const WRONG = 'The email or password is wrong';
const ENDED = 'Your console session has ended (signed out, expired or revoked): sign in again';
const DEMO_INERT = "This user belongs to the sandbox's demo merchant, which is inert in live mode";

export interface RequestMeta {
  address: string | null;
  userAgent: string | null;
}

export interface StartedSession {
  token: string;
  session: SessionRow;
  user: UserRow;
}

/** A new session for `user` (in the caller's transaction), with its audit entry. */
export async function startSession(ctx: AppContext, tx: Tx, user: UserRow, meta: RequestMeta, how: string): Promise<StartedSession> {
  const s = accountSettings(ctx);
  const now = ctx.clock.now();
  const token = newSecretToken(32);
  const session = await repo.insertSession(tx, {
    id: newId('ses'),
    userId: user.id,
    merchantId: user.merchant_id,
    tokenHash: hashToken(token),
    now,
    expiresAt: new Date(now.getTime() + s.sessionMaxSeconds * 1000),
    address: meta.address,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  const actor: Actor = { source: 'api', id: user.id };
  await recordAudit(ctx, tx, { merchantId: user.merchant_id, type: 'session.created', actor, address: meta.address, subject: session.id, data: { how } });
  return { token, session, user };
}

/**
 * Email and password to a new session. `previousToken`: the session cookie the browser
 * came with, ended here (rotation). Throttling is the caller's, before this is called.
 */
export async function login(
  ctx: AppContext,
  input: { email: string; password: string; previousToken?: string | undefined },
  meta: RequestMeta,
): Promise<Result<StartedSession>> {
  const email = normalizeEmail(input.email);
  const user = await repo.findUserByEmail(ctx.db, email);
  const good = await checkPassword(user?.password_hash, input.password);
  if (!user || !good) {
    // The same statement either way (the merchant is unknown for an unknown email), so the
    // two failures also cost the same database work.
    await recordAudit(ctx, ctx.db, {
      merchantId: user?.merchant_id ?? null,
      type: 'session.login_failed',
      actor: null,
      address: meta.address,
      subject: user?.id ?? null,
      data: { reason: user ? (user.password_hash ? 'wrong_password' : 'invitation_not_accepted') : 'unknown_email' },
    });
    return err(domainError('unauthorized', WRONG));
  }
  if (user.merchant_demo && ctx.mode === 'live') return err(domainError('unauthorized', DEMO_INERT));
  return ok(
    await inTransaction(ctx, async (tx) => {
      if (input.previousToken) await endSessionByToken(ctx, tx, input.previousToken, 'rotated at login', meta.address);
      return startSession(ctx, tx, user, meta, 'password');
    }),
  );
}

/** Ends the session of this token, if it is open (with its audit entry). */
export async function endSessionByToken(ctx: AppContext, tx: Tx, token: string, reason: string, address: string | null): Promise<SessionRow | undefined> {
  const ended = await repo.revokeSessionByHash(tx, hashToken(token), reason, ctx.clock.now());
  if (ended) {
    await recordAudit(ctx, tx, {
      merchantId: ended.merchant_id,
      type: 'session.revoked',
      actor: { source: 'api', id: ended.user_id },
      address,
      subject: ended.id,
      data: { user_id: ended.user_id, reason },
    });
  }
  return ended;
}

/** DELETE /v1/sessions/current: the session that made the request ends. */
export async function logout(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, sessionId: string): Promise<Result<SessionRow>> {
  const ended = await repo.revokeSession(tx, merchantId, sessionId, 'signed out', ctx.clock.now());
  if (!ended) return err(domainError('not_found', 'This session has ended already'));
  await recordAudit(ctx, tx, { merchantId, type: 'session.revoked', actor, subject: ended.id, data: { user_id: ended.user_id, reason: 'signed out' } });
  return ok(ended);
}

/** Ends every open session of a user (password reset, removal), with one audit entry naming them. */
export async function revokeAllSessions(
  ctx: AppContext,
  tx: Tx,
  actor: Actor | null,
  user: UserRow,
  reason: string,
  address?: string | null,
): Promise<string[]> {
  const ids = await repo.revokeUserSessions(tx, user.id, reason, ctx.clock.now());
  if (ids.length > 0) {
    await recordAudit(ctx, tx, {
      merchantId: user.merchant_id,
      type: 'session.revoked',
      actor,
      address: address ?? actor?.address ?? null,
      subject: user.id,
      data: { user_id: user.id, reason, sessions: ids },
    });
  }
  return ids;
}

/** How often last_seen_at (idle expiry) moves at most. */
const TOUCH_EVERY_MS = 60_000;

/** Who a session token is signed in as, or 401: unknown, revoked, idle too long, past its absolute end. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<Result<SessionAuth>> {
  const now = ctx.clock.now();
  const row = await repo.findSessionByHash(ctx.db, hashToken(token));
  if (!row || !isLive(ctx, row, now)) return err(domainError('unauthorized', ENDED));
  if (row.merchant_demo && ctx.mode === 'live') return err(domainError('unauthorized', DEMO_INERT));
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_EVERY_MS) await repo.touchSession(ctx.db, row.id, now, TOUCH_EVERY_MS);
  return ok({ merchantId: row.merchant_id, userId: row.user_id, role: row.role, sessionId: row.id, merchantSettings: row.merchant_settings ?? {} });
}

/**
 * Who a session token is signed in as, without marking the session used: a long-lived
 * stream checks again that its session still holds (not revoked, not ended, same role).
 */
export async function checkSession(ctx: AppContext, token: string): Promise<Result<SessionAuth>> {
  const row = await repo.findSessionByHash(ctx.db, hashToken(token));
  if (!row || !isLive(ctx, row, ctx.clock.now())) return err(domainError('unauthorized', ENDED));
  if (row.merchant_demo && ctx.mode === 'live') return err(domainError('unauthorized', DEMO_INERT));
  return ok({ merchantId: row.merchant_id, userId: row.user_id, role: row.role, sessionId: row.id, merchantSettings: row.merchant_settings ?? {} });
}

function isLive(ctx: AppContext, row: SessionRow, now: Date): boolean {
  const s = accountSettings(ctx);
  if (row.revoked_at) return false;
  if (new Date(row.expires_at).getTime() <= now.getTime()) return false;
  return now.getTime() - new Date(row.last_seen_at).getTime() < s.sessionIdleSeconds * 1000;
}

/** When a session ends if it stays in use: its absolute end (the cookie's lifetime). */
export const sessionMaxAgeSeconds = (ctx: AppContext, session: SessionRow): number =>
  Math.max(0, Math.floor((new Date(session.expires_at).getTime() - ctx.clock.now().getTime()) / 1000));

export const getSessionUser = (q: Queryable, merchantId: string, userId: string) => repo.getUser(q, merchantId, userId);
