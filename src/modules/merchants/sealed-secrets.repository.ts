// Every column that holds a SecretBox value (`v1.<kid>.<iv>.<ct>`), so a key rotation can
// find them all. A new sealed column must be listed here, or `chatcart keys reencrypt`
// would leave it on the old key (test/integration/secrets-reencrypt.test.ts seals every one).
import type { Queryable } from '../../platform/store/db.ts';

export interface SealedColumn {
  table: string;
  /** Columns that identify a row (all of them in the where clause of the update). */
  key: readonly string[];
  column: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'provider_accounts', key: ['merchant_id', 'provider'], column: 'credentials' },
  { table: 'provider_accounts', key: ['merchant_id', 'provider'], column: 'webhook_secrets' },
  { table: 'whatsapp_numbers', key: ['phone_number_id'], column: 'access_token' },
  { table: 'webhook_endpoints', key: ['id'], column: 'secrets' },
  { table: 'flow_keys', key: ['merchant_id'], column: 'private_key' },
];

export interface SealedValue {
  key: unknown[];
  value: string;
}

/** Up to `limit` values of one column not sealed under `keyId`, oldest rows first by key. */
export async function listSealedNotUnder(q: Queryable, col: SealedColumn, keyId: string, limit: number): Promise<SealedValue[]> {
  const keys = col.key.join(', ');
  const rows = await q.query<Record<string, unknown>>(
    `select ${keys}, ${col.column} as value from ${col.table}
     where ${col.column} is not null and split_part(${col.column}, '.', 2) <> $1
     order by ${keys} limit $2 for update`,
    [keyId, limit],
  );
  return rows.map((r) => ({ key: col.key.map((k) => r[k]), value: String(r['value']) }));
}

/** Replaces one sealed value, only if it is still the value that was read (a concurrent change wins). */
export async function replaceSealed(q: Queryable, col: SealedColumn, key: unknown[], from: string, to: string): Promise<boolean> {
  const where = col.key.map((k, i) => `${k} = $${i + 3}`).join(' and ');
  const rows = await q.query(`update ${col.table} set ${col.column} = $1 where ${col.column} = $2 and ${where} returning 1`, [to, from, ...key]);
  return rows.length === 1;
}

/** How many values of one column are sealed under each key id. */
export async function countSealedByKey(q: Queryable, col: SealedColumn): Promise<Record<string, number>> {
  const rows = await q.query<{ kid: string; n: number }>(
    `select split_part(${col.column}, '.', 2) as kid, count(*)::int as n from ${col.table} where ${col.column} is not null group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.kid, r.n]));
}
