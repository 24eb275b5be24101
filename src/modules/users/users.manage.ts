// A merchant's console users: invite (a one-time link: the server sends no email), create
// with a password (CLI), rename, change role, remove. The last owner can be neither
// demoted nor removed. A role is read on every request, so a change takes effect at once;
// a removal ends the user's sessions.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Role } from '../../domain/roles.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getMerchant } from '../merchants/index.ts';
import { recordAudit } from './users.audit.ts';
import { issueLink, issueResetLink, type IssuedLink } from './users.links.ts';
import * as repo from './users.repository.ts';
import type { UserRow } from './users.repository.ts';
import { normalizeEmail, revokeAllSessions } from './users.sessions.ts';

export interface NewUser {
  email: string;
  name?: string | null | undefined;
  role: Role;
}

const TAKEN = 'A user with this email exists already (emails are unique across the installation)';
const LAST_OWNER = 'This is the last owner of the merchant: make another user owner first';

async function insertNew(ctx: AppContext, tx: Tx, merchantId: string, u: NewUser, passwordHash: string | null): Promise<Result<UserRow>> {
  const merchant = await getMerchant(tx, merchantId);
  if (!merchant) return err(domainError('not_found', `No merchant ${merchantId}`));
  const row = await repo.insertUser(tx, {
    id: newId('usr'),
    merchantId,
    email: normalizeEmail(u.email),
    name: u.name ?? null,
    role: u.role,
    passwordHash,
    now: ctx.clock.now(),
  });
  return row ? ok(row) : err(domainError('conflict', TAKEN));
}

/** POST /v1/users: a new user and its invitation link (72 h). */
export async function inviteUser(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, u: NewUser): Promise<Result<{ user: UserRow; link: IssuedLink }>> {
  const created = await insertNew(ctx, tx, merchantId, u, null);
  if (!created.ok) return created;
  const user = created.value;
  const link = await issueLink(ctx, tx, user, 'invitation');
  await recordAudit(ctx, tx, { merchantId, type: 'user.invited', actor, subject: user.id, data: { email: user.email, role: user.role } });
  return ok({ user, link });
}

/** CLI: a user with a password (hashed by the caller), or, without one, an invitation link. */
export async function createUser(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  u: NewUser,
  passwordHash: string | null,
): Promise<Result<{ user: UserRow; link: IssuedLink | null }>> {
  if (passwordHash === null) return inviteUser(ctx, tx, actor, merchantId, u);
  const created = await insertNew(ctx, tx, merchantId, u, passwordHash);
  if (!created.ok) return created;
  await recordAudit(ctx, tx, { merchantId, type: 'user.created', actor, subject: created.value.id, data: { email: created.value.email, role: u.role } });
  return ok({ user: created.value, link: null });
}

/** PATCH /v1/users/{id}: name and role. */
export async function changeUser(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  id: string,
  patch: { name?: string | null | undefined; role?: Role | undefined },
): Promise<Result<UserRow>> {
  // Owners first, then the user: every change of owners locks in the same order.
  const owners = await repo.lockOwners(tx, merchantId);
  const user = await repo.getUser(tx, merchantId, id, { forUpdate: true });
  if (!user) return err(domainError('not_found', `No user ${id}`));
  if (patch.role !== undefined && patch.role !== 'owner' && user.role === 'owner' && owners.length <= 1) return err(domainError('conflict', LAST_OWNER));
  const updated = (await repo.updateUser(tx, merchantId, id, patch, ctx.clock.now()))!;
  if (patch.role !== undefined && patch.role !== user.role) {
    await recordAudit(ctx, tx, { merchantId, type: 'user.role_changed', actor, subject: id, data: { email: user.email, from: user.role, to: patch.role } });
  }
  if (patch.name !== undefined && patch.name !== user.name) {
    await recordAudit(ctx, tx, { merchantId, type: 'user.updated', actor, subject: id, data: { fields: ['name'] } });
  }
  return ok(updated);
}

/** DELETE /v1/users/{id}: the user's sessions end and the account goes (its links with it). */
export async function removeUser(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string): Promise<Result<UserRow>> {
  const owners = await repo.lockOwners(tx, merchantId);
  const user = await repo.getUser(tx, merchantId, id, { forUpdate: true });
  if (!user) return err(domainError('not_found', `No user ${id}`));
  if (user.role === 'owner' && owners.length <= 1) return err(domainError('conflict', LAST_OWNER));
  await revokeAllSessions(ctx, tx, actor, user, 'user removed');
  await repo.deleteUser(tx, merchantId, id);
  await recordAudit(ctx, tx, { merchantId, type: 'user.removed', actor, subject: id, data: { email: user.email, role: user.role } });
  return ok(user);
}

/**
 * POST /v1/users/{id}/link: a new one-time link for a user who lost theirs (the server sends
 * no email): a fresh invitation (72 h) while the user has no password, else a password
 * reset (1 h). Older unused links of the user stop working.
 */
export async function newLinkFor(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string): Promise<Result<{ user: UserRow; link: IssuedLink }>> {
  const user = await repo.getUser(tx, merchantId, id, { forUpdate: true });
  if (!user) return err(domainError('not_found', `No user ${id}`));
  if (user.password_hash) return ok({ user, link: await issueResetLink(ctx, tx, actor, user) });
  const link = await issueLink(ctx, tx, user, 'invitation');
  await recordAudit(ctx, tx, { merchantId, type: 'user.invited', actor, subject: user.id, data: { email: user.email, role: user.role, again: true } });
  return ok({ user, link });
}
