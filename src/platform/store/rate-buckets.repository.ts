// Shared token buckets: every process leases from the same row, so a limit holds
// across processes (a WhatsApp number's throughput, a provider account's lookups).
import type { Queryable } from './db.ts';

/**
 * Leases up to `want` tokens of bucket `key` in one statement. The bucket refills at
 * `rate` per second up to `capacity`. Returns how many were granted (maybe 0).
 */
export async function leaseTokens(q: Queryable, key: string, o: { want: number; rate: number; capacity: number; now: Date }): Promise<number> {
  await q.query(`insert into rate_buckets (key, tokens, refilled_at) values ($1, $2, $3) on conflict (key) do nothing`, [key, o.capacity, o.now]);
  const rows = await q.query<{ granted: number }>(
    `with cur as (
       select least($3::float8, tokens + greatest(0, extract(epoch from ($5::timestamptz - refilled_at))) * $4::float8) as avail, refilled_at
         from rate_buckets where key = $1 for update)
     update rate_buckets b
        set tokens = cur.avail - least($2::int, floor(cur.avail)::int), refilled_at = greatest(cur.refilled_at, $5::timestamptz)
       from cur where b.key = $1
     returning least($2::int, floor(cur.avail)::int) as granted`,
    [key, o.want, o.capacity, o.rate, o.now],
  );
  return Number(rows[0]?.granted ?? 0);
}
