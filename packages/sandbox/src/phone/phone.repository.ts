import type { Queryable } from '../host.ts';
// What the simulated phone lists: every sandbox number (its shop's name and currencies come
// from the host's business profile).

export interface NumberListRow {
  phone_number_id: string;
  display_phone_number: string | null;
  merchant_id: string;
}

/** Every sandbox number, oldest first (at most 500). */
export async function listSandboxNumbers(q: Queryable): Promise<NumberListRow[]> {
  return q.query<NumberListRow>(
    `select n.phone_number_id, n.display_phone_number, n.merchant_id
       from whatsapp_numbers n
      where n.sandbox and n.sandbox_access_token is not null
      order by n.created_at, n.phone_number_id
      limit 500`,
  );
}
