import type { Queryable } from '../host.ts';
// What the simulated phone lists: every sandbox number, its shop's name and its catalog's currencies.

export interface NumberListRow {
  phone_number_id: string;
  display_phone_number: string | null;
  merchant_name: string;
  currencies: string | null;
}

/** Every sandbox number with its merchant's name and the currencies of its active products (at most 500). */
export async function listSandboxNumbers(q: Queryable): Promise<NumberListRow[]> {
  return q.query<NumberListRow>(
    `select n.phone_number_id, n.display_phone_number, m.name as merchant_name,
            (select string_agg(distinct p.currency, ',') from products p where p.merchant_id = n.merchant_id and p.active) as currencies
       from whatsapp_numbers n join merchants m on m.id = n.merchant_id
      where n.sandbox and n.sandbox_access_token is not null
      order by n.created_at, n.phone_number_id
      limit 500`,
  );
}
