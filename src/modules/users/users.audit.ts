// The audit log: security-relevant changes, for the merchant's owner (GET /v1/audit-log).
// Written in the transaction of the change it records; never sent to webhook endpoints
// (it is not the event log). docs/users.md lists the types.
import { newId } from '../../domain/ids.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { insertAudit, type AuditRow } from './users.repository.ts';
import { wakeStreams } from '../events/index.ts';

/** Changes after which an open stream checks that it may stay open (its session, key or role). */
const ENDS_STREAMS: ReadonlySet<AuditType> = new Set([
  'session.revoked',
  'user.role_changed',
  'user.removed',
  'user.password_reset',
  'api_key.revoked',
  'api_key.rotated',
]);

export const AUDIT_TYPES = [
  'session.created',
  'session.login_failed',
  'session.revoked',
  'user.created',
  'user.invited',
  'user.invitation_accepted',
  'user.reset_link_created',
  'user.password_reset',
  'user.updated',
  'user.role_changed',
  'user.removed',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'provider_credentials.replaced',
  'whatsapp_token.replaced',
  'payment_policy.changed',
  'product.created',
  'product.updated',
  'export.downloaded',
  'payment.recorded',
  'payment.voided',
  'customer.erased',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];

/** How an actor is written in the audit log: usr_…, key_…, or cli:<operator>. */
export function auditActor(actor: Actor | null): string | null {
  if (!actor) return null;
  if (actor.source === 'cli') return `cli:${actor.id ?? 'cli'}`;
  return actor.id;
}

export function recordAudit(
  ctx: AppContext,
  q: Queryable,
  e: {
    merchantId: string | null;
    type: AuditType;
    actor: Actor | null;
    address?: string | null | undefined;
    subject?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<AuditRow> {
  if (e.merchantId && ENDS_STREAMS.has(e.type)) wakeStreams(ctx, q, e.merchantId);
  return insertAudit(q, {
    id: newId('aud'),
    merchantId: e.merchantId,
    type: e.type,
    actor: auditActor(e.actor),
    address: e.address ?? e.actor?.address ?? null,
    subject: e.subject ?? null,
    data: e.data ?? {},
    now: ctx.clock.now(),
  });
}
