// The only SQL of console users, their sessions, one-time links and the audit log.
import type { Queryable, Tx } from '../../platform/store/db.ts';
import type { Role } from '../../domain/roles.ts';

export interface UserRow {
  id: string;
  merchant_id: string;
  email: string;
  name: string | null;
  role: Role;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface SessionRow {
  id: string;
  user_id: string;
  merchant_id: string;
  token_hash: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  address: string | null;
  user_agent: string | null;
}

/** A live-looking session with what authentication needs of its user and merchant. */
export interface SessionWithUser extends SessionRow {
  role: Role;
  merchant_demo: boolean;
  merchant_settings: Record<string, unknown>;
}

export interface LinkRow {
  id: string;
  user_id: string;
  merchant_id: string;
  kind: 'invitation' | 'reset';
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface AuditRow {
  id: string;
  merchant_id: string | null;
  type: string;
  actor: string | null;
  address: string | null;
  subject: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

// ---- users

export async function insertUser(
  q: Queryable,
  u: { id: string; merchantId: string; email: string; name: string | null; role: Role; passwordHash: string | null; now: Date },
): Promise<UserRow | undefined> {
  // An email taken already (by any merchant) inserts nothing: the caller answers 409.
  const rows = await q.query<UserRow>(
    `insert into users (id, merchant_id, email, name, role, password_hash, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $7) on conflict (email) do nothing returning *`,
    [u.id, u.merchantId, u.email, u.name, u.role, u.passwordHash, u.now],
  );
  return rows[0];
}

export async function getUser(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<UserRow | undefined> {
  return (await q.query<UserRow>(`select * from users where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id]))[0];
}

export async function findUserByEmail(q: Queryable, email: string): Promise<(UserRow & { merchant_demo: boolean }) | undefined> {
  return (
    await q.query<UserRow & { merchant_demo: boolean }>(
      `select u.*, m.demo as merchant_demo from users u join merchants m on m.id = u.merchant_id where u.email = $1`,
      [email],
    )
  )[0];
}

export async function listUsers(q: Queryable, merchantId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<UserRow[]> {
  return q.query<UserRow>(`select * from users where merchant_id = $1 and ($2::text is null or id > $2) order by id limit $3`, [
    merchantId,
    page.startingAfter ?? null,
    page.limit + 1,
  ]);
}

/** Locks the merchant's owners until the transaction ends, so two demotions cannot both leave "another owner". */
export async function lockOwners(tx: Tx, merchantId: string): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(`select id from users where merchant_id = $1 and role = 'owner' order by id for update`, [merchantId]);
  return rows.map((r) => r.id);
}

export async function updateUser(
  q: Queryable,
  merchantId: string,
  id: string,
  patch: { name?: string | null | undefined; role?: Role | undefined; passwordHash?: string | undefined },
  now: Date,
): Promise<UserRow | undefined> {
  return (
    await q.query<UserRow>(
      `update users set
         name = case when $3::boolean then $4 else name end,
         role = coalesce($5, role),
         password_hash = coalesce($6, password_hash),
         updated_at = $7
       where merchant_id = $1 and id = $2 returning *`,
      [merchantId, id, patch.name !== undefined, patch.name ?? null, patch.role ?? null, patch.passwordHash ?? null, now],
    )
  )[0];
}

export async function deleteUser(q: Queryable, merchantId: string, id: string): Promise<UserRow | undefined> {
  return (await q.query<UserRow>(`delete from users where merchant_id = $1 and id = $2 returning *`, [merchantId, id]))[0];
}

// ---- sessions

export async function insertSession(
  q: Queryable,
  s: { id: string; userId: string; merchantId: string; tokenHash: string; now: Date; expiresAt: Date; address: string | null; userAgent: string | null },
): Promise<SessionRow> {
  return (
    await q.query<SessionRow>(
      `insert into user_sessions (id, user_id, merchant_id, token_hash, created_at, last_seen_at, expires_at, address, user_agent)
       values ($1, $2, $3, $4, $5, $5, $6, $7, $8) returning *`,
      [s.id, s.userId, s.merchantId, s.tokenHash, s.now, s.expiresAt, s.address, s.userAgent],
    )
  )[0]!;
}

export async function findSessionByHash(q: Queryable, tokenHash: string): Promise<SessionWithUser | undefined> {
  return (
    await q.query<SessionWithUser>(
      `select s.*, u.role, m.demo as merchant_demo, m.settings as merchant_settings
         from user_sessions s join users u on u.id = s.user_id join merchants m on m.id = s.merchant_id
        where s.token_hash = $1`,
      [tokenHash],
    )
  )[0];
}

/** Moves last_seen_at forward, at most once per `everyMs` (several processes may try at once). */
export async function touchSession(q: Queryable, id: string, now: Date, everyMs: number): Promise<void> {
  await q.query(`update user_sessions set last_seen_at = $2 where id = $1 and last_seen_at < $3`, [id, now, new Date(now.getTime() - everyMs)]);
}

export async function revokeSessionByHash(q: Queryable, tokenHash: string, reason: string, now: Date): Promise<SessionRow | undefined> {
  return (
    await q.query<SessionRow>(`update user_sessions set revoked_at = $2, revoked_reason = $3 where token_hash = $1 and revoked_at is null returning *`, [
      tokenHash,
      now,
      reason,
    ])
  )[0];
}

export async function revokeSession(q: Queryable, merchantId: string, id: string, reason: string, now: Date): Promise<SessionRow | undefined> {
  return (
    await q.query<SessionRow>(
      `update user_sessions set revoked_at = $3, revoked_reason = $4 where merchant_id = $1 and id = $2 and revoked_at is null returning *`,
      [merchantId, id, now, reason],
    )
  )[0];
}

/** Ends every open session of a user; returns their ids. */
export async function revokeUserSessions(q: Queryable, userId: string, reason: string, now: Date): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `update user_sessions set revoked_at = $2, revoked_reason = $3 where user_id = $1 and revoked_at is null and expires_at > $2 returning id`,
    [userId, now, reason],
  );
  return rows.map((r) => r.id);
}

// ---- one-time links

export async function insertLink(
  q: Queryable,
  l: { id: string; userId: string; merchantId: string; kind: LinkRow['kind']; tokenHash: string; now: Date; expiresAt: Date },
): Promise<LinkRow> {
  return (
    await q.query<LinkRow>(
      `insert into user_links (id, user_id, merchant_id, kind, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [l.id, l.userId, l.merchantId, l.kind, l.tokenHash, l.now, l.expiresAt],
    )
  )[0]!;
}

/** A newer link replaces the user's unused ones: only the last one sent works. */
export async function retireLinks(q: Queryable, userId: string, now: Date): Promise<void> {
  await q.query(`update user_links set used_at = $2 where user_id = $1 and used_at is null`, [userId, now]);
}

export async function findLinkByHash(q: Queryable, tokenHash: string, opts: { forUpdate?: boolean } = {}): Promise<LinkRow | undefined> {
  return (await q.query<LinkRow>(`select * from user_links where token_hash = $1${opts.forUpdate ? ' for update' : ''}`, [tokenHash]))[0];
}

export async function markLinkUsed(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query(`update user_links set used_at = $2 where id = $1`, [id, now]);
}

// ---- audit log

export async function insertAudit(
  q: Queryable,
  a: {
    id: string;
    merchantId: string | null;
    type: string;
    actor: string | null;
    address: string | null;
    subject: string | null;
    data: Record<string, unknown>;
    now: Date;
  },
): Promise<AuditRow> {
  return (
    await q.query<AuditRow>(
      `insert into audit_log (id, merchant_id, type, actor, address, subject, data, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
      [a.id, a.merchantId, a.type, a.actor, a.address, a.subject, JSON.stringify(a.data), a.now],
    )
  )[0]!;
}

export async function listAudit(
  q: Queryable,
  merchantId: string,
  f: { type?: string | undefined; actor?: string | undefined },
  page: { limit: number; startingAfter?: string | undefined },
): Promise<AuditRow[]> {
  return q.query<AuditRow>(
    `select * from audit_log where merchant_id = $1 and ($2::text is null or type = $2) and ($3::text is null or actor = $3)
       and ($4::text is null or id < $4)
     order by id desc limit $5`,
    [merchantId, f.type ?? null, f.actor ?? null, page.startingAfter ?? null, page.limit + 1],
  );
}
