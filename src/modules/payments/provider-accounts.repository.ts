import type { Queryable } from '../../platform/store/db.ts';

export interface ProviderAccountRow {
  merchant_id: string;
  provider: string;
  credentials: string; // sealed
  webhook_secrets: string; // sealed
  created_at: Date;
  updated_at: Date;
}

export async function upsertProviderAccount(
  q: Queryable,
  a: { merchantId: string; provider: string; credentials: string; webhookSecrets: string; now: Date },
): Promise<ProviderAccountRow> {
  return (
    await q.query<ProviderAccountRow>(
      `insert into provider_accounts (merchant_id, provider, credentials, webhook_secrets, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $5)
       on conflict (merchant_id, provider) do update set credentials = excluded.credentials, webhook_secrets = excluded.webhook_secrets, updated_at = excluded.updated_at
       returning *`,
      [a.merchantId, a.provider, a.credentials, a.webhookSecrets, a.now],
    )
  )[0]!;
}

export async function getProviderAccount(q: Queryable, merchantId: string, provider: string): Promise<ProviderAccountRow | undefined> {
  return (await q.query<ProviderAccountRow>(`select * from provider_accounts where merchant_id = $1 and provider = $2`, [merchantId, provider]))[0];
}

export async function listProviderAccounts(q: Queryable, merchantId: string): Promise<ProviderAccountRow[]> {
  return q.query<ProviderAccountRow>(`select * from provider_accounts where merchant_id = $1 order by provider`, [merchantId]);
}
