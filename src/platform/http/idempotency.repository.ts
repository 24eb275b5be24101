// Idempotency keys. A key is claimed inside the effect's own transaction: a
// transaction-scoped advisory lock on (merchant, key) answers a concurrent duplicate at
// once, the row is inserted 'running' and turned 'done' with the response before the
// commit, so the record commits with the effect or not at all, and a refused or crashed
// request leaves nothing behind. (Rows 'running' with a lock deadline come from the
// earlier two-transaction scheme; a dead one is taken over once its deadline passes.)
import type { Queryable } from '../store/db.ts';

export interface IdempotencyRow {
  merchant_id: string;
  key: string;
  fingerprint: string;
  state: 'running' | 'done';
  locked_until: Date | null;
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
}

export type Reservation = { kind: 'reserved' } | { kind: 'existing'; row: IdempotencyRow };

export async function reserveKey(q: Queryable, r: { merchantId: string; key: string; fingerprint: string; now: Date; lockMs: number }): Promise<Reservation> {
  const until = new Date(r.now.getTime() + r.lockMs);
  const inserted = await q.query(
    `insert into idempotency_keys (merchant_id, key, fingerprint, state, locked_until, created_at)
     values ($1, $2, $3, 'running', $4, $5) on conflict (merchant_id, key) do nothing returning key`,
    [r.merchantId, r.key, r.fingerprint, until, r.now],
  );
  if (inserted.length) return { kind: 'reserved' };
  return afterConflict(q, r, until);
}

/**
 * The usual path in one round trip: the transaction-scoped advisory lock on (merchant,
 * key) and, only when it was granted, the insert of the 'running' row. A volatile CTE is
 * evaluated once, before the insert that reads it. 'in_use' when another transaction
 * holds the key right now.
 */
export async function claimKey(
  q: Queryable,
  r: { merchantId: string; key: string; fingerprint: string; now: Date; lockMs: number },
): Promise<Reservation | { kind: 'in_use' }> {
  const until = new Date(r.now.getTime() + r.lockMs);
  const [row] = await q.query<{ locked: boolean; inserted: boolean }>(
    `with l as (select pg_try_advisory_xact_lock(hashtextextended($6, 727274002)) as locked),
          ins as (insert into idempotency_keys (merchant_id, key, fingerprint, state, locked_until, created_at)
                  select $1::text, $2::text, $3::text, 'running', $4::timestamptz, $5::timestamptz from l where l.locked
                  on conflict (merchant_id, key) do nothing returning key)
     select l.locked, exists (select 1 from ins) as inserted from l`,
    [r.merchantId, r.key, r.fingerprint, until, r.now, `${r.merchantId}\n${r.key}`],
  );
  if (!row?.locked) return { kind: 'in_use' };
  if (row.inserted) return { kind: 'reserved' };
  return afterConflict(q, r, until);
}

/** The key exists: take over an abandoned reservation with the same fingerprint, or answer with the row. */
async function afterConflict(
  q: Queryable,
  r: { merchantId: string; key: string; fingerprint: string; now: Date; lockMs: number },
  until: Date,
): Promise<Reservation> {
  const taken = await q.query(
    `update idempotency_keys set locked_until = $4 where merchant_id = $1 and key = $2 and fingerprint = $3
        and state = 'running' and locked_until < $5 returning key`,
    [r.merchantId, r.key, r.fingerprint, until, r.now],
  );
  if (taken.length) return { kind: 'reserved' };
  const row = (await q.query<IdempotencyRow>(`select * from idempotency_keys where merchant_id = $1 and key = $2`, [r.merchantId, r.key]))[0];
  if (!row) return reserveKey(q, r); // released between our insert and select: try again
  return { kind: 'existing', row };
}

export async function completeKey(q: Queryable, merchantId: string, key: string, status: number, body: unknown): Promise<void> {
  await q.query(
    `update idempotency_keys set state = 'done', locked_until = null, response_status = $3, response_body = $4
      where merchant_id = $1 and key = $2`,
    [merchantId, key, status, JSON.stringify(body)],
  );
}

export async function releaseKey(q: Queryable, merchantId: string, key: string): Promise<void> {
  await q.query(`delete from idempotency_keys where merchant_id = $1 and key = $2 and state = 'running'`, [merchantId, key]);
}

export async function purgeKeysBefore(q: Queryable, before: Date): Promise<number> {
  return (await q.query(`delete from idempotency_keys where created_at < $1 and state = 'done' returning key`, [before])).length;
}
