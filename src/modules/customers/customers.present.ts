import { iso } from '../../platform/http/page.ts';
import { WINDOW_MS } from './customers.window.ts';
import { displayName } from './customers.refs.ts';
import type { CustomerRow, IdentityChangeRow } from './customers.repository.ts';

export function windowExpiresAt(c: Pick<CustomerRow, 'last_inbound_at'>): Date | null {
  return c.last_inbound_at ? new Date(c.last_inbound_at.getTime() + WINDOW_MS) : null;
}

export function presentCustomer(c: CustomerRow, history?: IdentityChangeRow[]) {
  return {
    id: c.id,
    object: 'customer' as const,
    bsuid: c.bsuid,
    wa_id: c.wa_id,
    username: c.username,
    name: displayName(c),
    profile_name: c.profile_name,
    tags: c.tags,
    opted_out_at: iso(c.opted_out_at),
    last_message_at: iso(c.last_message_at),
    window_expires_at: iso(windowExpiresAt(c)),
    created_at: iso(c.created_at),
    ...(history
      ? {
          identity_history: history.map((h) => ({
            field: h.field,
            old_value: h.old_value,
            new_value: h.new_value,
            reason: h.reason,
            at: iso(h.created_at),
          })),
        }
      : {}),
  };
}
