// Users, sessions, audit entries and "who am I" as the API writes them.
import { permissionsOf, type Principal, type Role } from '../../domain/roles.ts';
import { iso } from '../../platform/http/page.ts';
import type { IssuedLink } from './users.links.ts';
import type { AuditRow, UserRow } from './users.repository.ts';

export function presentUser(u: UserRow) {
  return {
    id: u.id,
    object: 'user',
    email: u.email,
    name: u.name,
    role: u.role,
    // invited: the invitation link has not been used yet (no password)
    status: u.password_hash ? 'active' : 'invited',
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}

export const presentLink = (l: IssuedLink) => ({ object: 'one_time_link', kind: l.kind, url: l.url, expires_at: iso(l.expires_at) });

export function presentAudit(a: AuditRow) {
  return {
    id: a.id,
    object: 'audit_entry',
    type: a.type,
    actor: a.actor,
    address: a.address,
    subject: a.subject,
    data: a.data,
    created_at: iso(a.created_at),
  };
}

/** GET /v1/me and the answer of a login: who is asking, for which merchant, and what they may do. */
export function presentMe(o: {
  principal: Principal & { id: string };
  user: UserRow | null;
  merchant: { id: string; name: string };
  session?: { id: string; expires_at: Date } | undefined;
}) {
  const role: Role = o.principal.role;
  return {
    object: 'me',
    user: o.user ? { id: o.user.id, email: o.user.email, name: o.user.name, role: o.user.role } : null,
    api_key: o.principal.kind === 'api_key' ? { id: o.principal.id } : null,
    merchant: { id: o.merchant.id, name: o.merchant.name },
    role,
    permissions: permissionsOf(o.principal),
    session: o.session ? { id: o.session.id, expires_at: iso(o.session.expires_at) } : null,
  };
}
