import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
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
    created_at: iso(c.created_at)!,
    ...(history
      ? {
          identity_history: history.map((h) => ({
            field: h.field,
            old_value: h.old_value,
            new_value: h.new_value,
            reason: h.reason,
            at: iso(h.created_at)!,
          })),
        }
      : {}),
  };
}

export const customerSchema = z
  .object({
    id: z.string().describe('cus_…'),
    object: z.literal('customer'),
    bsuid: z.string().nullable().describe("WhatsApp's business-scoped user id: the identity when present"),
    wa_id: z.string().nullable().describe('The phone, when known (it may move to another person)'),
    username: z.string().nullable().describe('WhatsApp username: display only'),
    name: z.string().nullable().describe("The merchant's name for the person, else the WhatsApp profile name, else the username"),
    profile_name: z.string().nullable(),
    tags: z.array(z.string()),
    opted_out_at: isoTime.nullable(),
    last_message_at: isoTime.nullable(),
    window_expires_at: isoTime.nullable().describe('When the 24-hour customer service window closes'),
    created_at: isoTime,
    identity_history: z
      .array(
        z.object({ field: z.enum(['wa_id', 'bsuid']), old_value: z.string().nullable(), new_value: z.string().nullable(), reason: z.string(), at: isoTime }),
      )
      .optional()
      .describe('GET /v1/customers/{id} only: how the identifiers changed'),
  })
  .meta({ id: 'Customer', description: 'A person of this merchant' });

export const customerListSchema = listOf(customerSchema);
