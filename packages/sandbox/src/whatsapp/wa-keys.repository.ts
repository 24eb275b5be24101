import type { Queryable } from '../host.ts';
// The Flows public key registered on a sandbox number (whatsapp_business_encryption).

/** The key registered on a sandbox number (for the simulated phone), if any. */
export async function sandboxBusinessKey(q: Queryable, phoneNumberId: string): Promise<string | undefined> {
  return (
    await q.query<{ business_public_key: string }>(`select business_public_key from sandbox_wa_business_keys where phone_number_id = $1`, [phoneNumberId])
  )[0]?.business_public_key;
}

/** Registers (or replaces) a number's key. */
export async function saveBusinessKey(q: Queryable, phoneNumberId: string, pem: string, now: Date): Promise<void> {
  await q.query(
    `insert into sandbox_wa_business_keys (phone_number_id, business_public_key, updated_at) values ($1, $2, $3)
     on conflict (phone_number_id) do update set business_public_key = excluded.business_public_key, updated_at = excluded.updated_at`,
    [phoneNumberId, pem, now],
  );
}
