import type { Queryable, Tx } from '../../platform/store/db.ts';

export interface MerchantRow {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  /** The business settings (migration 0016): IANA zone, BCP 47 locale, ISO 4217 default currency (null until set). */
  time_zone: string;
  locale: string;
  currency: string | null;
  /** The sandbox's demo merchant: inert in live mode. */
  demo: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface ApiKeyRow {
  id: string;
  merchant_id: string;
  name: string | null;
  prefix: string;
  key_hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export async function insertMerchant(
  q: Queryable,
  m: {
    id: string;
    name: string;
    settings?: Record<string, unknown>;
    demo?: boolean;
    now: Date;
    business?: { time_zone?: string; locale?: string; currency?: string | null };
  },
): Promise<MerchantRow> {
  const rows = await q.query<MerchantRow>(
    `insert into merchants (id, name, settings, demo, created_at, updated_at, time_zone, locale, currency)
     values ($1, $2, $3, $4, $5, $5, coalesce($6, 'UTC'), coalesce($7, 'en'), $8) returning *`,
    [
      m.id,
      m.name,
      JSON.stringify(m.settings ?? {}),
      m.demo ?? false,
      m.now,
      m.business?.time_zone ?? null,
      m.business?.locale ?? null,
      m.business?.currency ?? null,
    ],
  );
  return rows[0]!;
}

export async function getMerchant(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<MerchantRow | undefined> {
  return (await q.query<MerchantRow>(`select * from merchants where id = $1${opts.forUpdate ? ' for update' : ''}`, [id]))[0];
}

/** Serializes creating the first merchant (the sandbox's demo) across processes, until the transaction ends. */
export async function lockFirstMerchant(tx: Tx): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(727274002)');
}

export async function countMerchants(q: Queryable): Promise<number> {
  return (await q.query<{ n: number }>(`select count(*)::int as n from merchants`))[0]!.n;
}

export async function listMerchants(q: Queryable): Promise<MerchantRow[]> {
  return q.query<MerchantRow>(`select * from merchants order by id`);
}

export async function insertApiKey(
  q: Queryable,
  k: { id: string; merchantId: string; name: string | null; prefix: string; keyHash: string; now: Date; expiresAt?: Date | null },
): Promise<ApiKeyRow> {
  const rows = await q.query<ApiKeyRow>(
    `insert into api_keys (id, merchant_id, name, prefix, key_hash, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [k.id, k.merchantId, k.name, k.prefix, k.keyHash, k.now, k.expiresAt ?? null],
  );
  return rows[0]!;
}

/** The key, if it is live at `now`, whether its merchant is the sandbox's demo, and the merchant's settings (read once per request here). */
export async function findLiveKeyByHash(
  q: Queryable,
  keyHash: string,
  now: Date,
): Promise<(ApiKeyRow & { merchant_demo: boolean; merchant_settings: Record<string, unknown> }) | undefined> {
  return (
    await q.query<ApiKeyRow & { merchant_demo: boolean; merchant_settings: Record<string, unknown> }>(
      `select k.*, m.demo as merchant_demo, m.settings as merchant_settings from api_keys k join merchants m on m.id = k.merchant_id
        where k.key_hash = $1 and k.revoked_at is null and (k.expires_at is null or k.expires_at > $2)`,
      [keyHash, now],
    )
  )[0];
}

export async function touchApiKey(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query(`update api_keys set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '60 seconds')`, [
    id,
    now,
  ]);
}

/** How many of the merchant's keys work at `now` (neither revoked nor expired). */
export async function countActiveKeys(q: Queryable, merchantId: string, now: Date): Promise<number> {
  return (
    await q.query<{ n: number }>(
      `select count(*)::int as n from api_keys where merchant_id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)`,
      [merchantId, now],
    )
  )[0]!.n;
}

export async function listApiKeys(q: Queryable, merchantId: string): Promise<ApiKeyRow[]> {
  return q.query<ApiKeyRow>(`select * from api_keys where merchant_id = $1 order by id`, [merchantId]);
}

export async function getApiKey(q: Queryable, merchantId: string, id: string): Promise<ApiKeyRow | undefined> {
  return (await q.query<ApiKeyRow>(`select * from api_keys where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

/** Revokes now, or schedules the end of a key's life (rotation grace period). */
export async function endApiKey(q: Queryable, merchantId: string, id: string, at: { revokedAt?: Date; expiresAt?: Date }): Promise<ApiKeyRow | undefined> {
  return (
    await q.query<ApiKeyRow>(
      `update api_keys set revoked_at = coalesce($3, revoked_at),
              expires_at = case when $4::timestamptz is null then expires_at else least(coalesce(expires_at, $4), $4) end
        where merchant_id = $1 and id = $2 and revoked_at is null returning *`,
      [merchantId, id, at.revokedAt ?? null, at.expiresAt ?? null],
    )
  )[0];
}

export async function getSystemSetting<T>(q: Queryable, key: string): Promise<T | undefined> {
  return (await q.query<{ value: T }>(`select value from system_settings where key = $1`, [key]))[0]?.value;
}

/** Sets a value only if none exists, and returns whichever value won. */
export async function initSystemSetting<T>(q: Queryable, key: string, value: T): Promise<T> {
  await q.query(`insert into system_settings (key, value) values ($1, $2) on conflict (key) do nothing`, [key, JSON.stringify(value)]);
  return (await getSystemSetting<T>(q, key))!;
}

/** Merges keys into the merchant's settings document. */
export async function updateMerchantSettings(q: Queryable, merchantId: string, patch: Record<string, unknown>, now: Date): Promise<void> {
  await q.query(`update merchants set settings = settings || $2::jsonb, updated_at = $3 where id = $1`, [merchantId, JSON.stringify(patch), now]);
}

/** Sets the business settings given (name, time_zone, locale, currency); the others stay. */
export async function updateBusinessColumns(
  q: Queryable,
  merchantId: string,
  p: { name?: string | undefined; time_zone?: string | undefined; locale?: string | undefined; currency?: string | undefined },
  now: Date,
): Promise<MerchantRow | undefined> {
  return (
    await q.query<MerchantRow>(
      `update merchants set name = coalesce($2, name), time_zone = coalesce($3, time_zone), locale = coalesce($4, locale),
              currency = coalesce($5, currency), updated_at = $6
        where id = $1 returning *`,
      [merchantId, p.name ?? null, p.time_zone ?? null, p.locale ?? null, p.currency ?? null, now],
    )
  )[0];
}

/** The currency the merchant sells in, as its data shows it: its latest product's, else its latest order's. */
export async function observedCurrency(q: Queryable, merchantId: string): Promise<string | null> {
  return (
    (
      await q.query<{ currency: string | null }>(
        `select coalesce((select currency from products where merchant_id = $1 order by created_at desc, id desc limit 1),
                         (select currency from orders where merchant_id = $1 order by created_at desc, id desc limit 1)) as currency`,
        [merchantId],
      )
    )[0]?.currency ?? null
  );
}
