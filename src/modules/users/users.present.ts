// Users, sessions, audit entries and "who am I" as the API writes them, with the zod
// schemas their routes answer with (and /openapi.json shows).
import { z } from 'zod';
import { PERMISSION_NAMES, permissionsOf, ROLES, type Principal, type Role } from '../../domain/roles.ts';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { IssuedLink } from './users.links.ts';
import type { AuditRow, UserRow } from './users.repository.ts';

export const userSchema = z
  .object({
    id: z.string().describe('usr_…'),
    object: z.literal('user'),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    status: z.enum(['active', 'invited']).describe('invited: the invitation link has not been used yet'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'User', description: 'A console user' });

export const userListSchema = listOf(userSchema);

export const userDeletedSchema = userSchema.extend({ deleted: z.literal(true) });

export const linkSchema = z
  .object({
    object: z.literal('one_time_link'),
    kind: z.enum(['invitation', 'reset']),
    url: z.string().nullable().describe('The link to hand over (shown once: null in a replay of the request)'),
    expires_at: isoTime,
  })
  .meta({ id: 'OneTimeLink', description: 'A one-time link: an invitation (72 h) or a password reset (1 h)' });

export const invitedUserSchema = userSchema.extend({ invitation: linkSchema });

export const userLinkSchema = linkSchema.extend({ user: userSchema });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    object: z.literal('audit_entry'),
    type: z.string().describe('What happened: login, login.failed, user.invited, key.created, …'),
    actor: z.string().nullable().describe('Who: key_…, usr_…, or the e-mail a failed sign-in gave'),
    address: z.string().nullable().describe('The client address'),
    subject: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    created_at: isoTime,
  })
  .meta({ id: 'AuditEntry', description: 'An entry of the audit log' });

export const auditListSchema = listOf(auditEntrySchema);

const permission = z.enum(PERMISSION_NAMES as [string, ...string[]]);

export const meSchema = z
  .object({
    object: z.literal('me'),
    user: z
      .object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) })
      .nullable()
      .describe('null for an API key'),
    api_key: z.object({ id: z.string() }).nullable().describe('null for a console user'),
    merchant: z.object({ id: z.string(), name: z.string() }),
    role: z.enum(ROLES),
    permissions: z.array(permission).describe('What this user or key may do (the console hides the rest)'),
    session: z.object({ id: z.string(), expires_at: isoTime }).nullable(),
  })
  .meta({ id: 'Me', description: 'Who is asking, for which merchant, and what they may do' });

export const rolesSchema = z
  .object({
    object: z.literal('roles'),
    roles: z.array(z.object({ role: z.enum(ROLES), permissions: z.array(permission) })),
    api_keys: z.object({ permissions: z.array(permission) }),
    permissions: z.array(z.object({ name: permission, description: z.string(), roles: z.array(z.enum(ROLES)), api_key: z.boolean() })),
    routes: z.array(
      z.object({
        route: z.string().describe('METHOD path, as the server registers it'),
        permission: permission.nullable().describe('null: a route outside authentication'),
        fields: z.record(z.string(), permission).optional().describe('Body fields that need a permission of their own'),
        note: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Roles', description: 'The role table the server enforces' });

export function presentUser(u: UserRow): z.infer<typeof userSchema> {
  return {
    id: u.id,
    object: 'user',
    email: u.email,
    name: u.name,
    role: u.role,
    // invited: the invitation link has not been used yet (no password)
    status: u.password_hash ? 'active' : 'invited',
    created_at: iso(u.created_at)!,
    updated_at: iso(u.updated_at)!,
  };
}

export const presentLink = (l: IssuedLink): z.infer<typeof linkSchema> => ({
  object: 'one_time_link',
  kind: l.kind,
  url: l.url,
  expires_at: iso(l.expires_at)!,
});

export function presentAudit(a: AuditRow): z.infer<typeof auditEntrySchema> {
  return {
    id: a.id,
    object: 'audit_entry',
    type: a.type,
    actor: a.actor,
    address: a.address,
    subject: a.subject,
    data: a.data,
    created_at: iso(a.created_at)!,
  };
}

/** GET /v1/me and the answer of a login: who is asking, for which merchant, and what they may do. */
export function presentMe(o: {
  principal: Principal & { id: string };
  user: UserRow | null;
  merchant: { id: string; name: string };
  session?: { id: string; expires_at: Date } | undefined;
}): z.infer<typeof meSchema> {
  const role: Role = o.principal.role;
  return {
    object: 'me',
    user: o.user ? { id: o.user.id, email: o.user.email, name: o.user.name, role: o.user.role } : null,
    api_key: o.principal.kind === 'api_key' ? { id: o.principal.id } : null,
    merchant: { id: o.merchant.id, name: o.merchant.name },
    role,
    permissions: permissionsOf(o.principal),
    session: o.session ? { id: o.session.id, expires_at: iso(o.session.expires_at)! } : null,
  };
}
