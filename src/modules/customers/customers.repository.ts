import type { Queryable } from '../../platform/store/db.ts';
import { containsPattern, setList } from '../../platform/store/sql.ts';

export interface CustomerRow {
  id: string;
  merchant_id: string;
  bsuid: string | null;
  wa_id: string | null;
  username: string | null;
  name: string | null;
  profile_name: string | null;
  tags: string[];
  last_inbound_at: Date | null;
  last_message_at: Date | null;
  opted_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, merchant_id, bsuid, wa_id, username, name, profile_name, tags, last_inbound_at, last_message_at, opted_out_at, created_at, updated_at`;

/**
 * A new customer; undefined when a concurrent transaction has just made the customer with
 * this phone or BSUID (the insert waits for it, then does nothing): look it up again.
 */
export async function insertCustomer(
  q: Queryable,
  c: Pick<CustomerRow, 'id' | 'merchant_id' | 'bsuid' | 'wa_id' | 'username' | 'name' | 'profile_name'> & { now: Date },
): Promise<CustomerRow | undefined> {
  return (
    await q.query<CustomerRow>(
      `insert into customers (id, merchant_id, bsuid, wa_id, username, name, profile_name, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8) on conflict do nothing returning ${COLUMNS}`,
      [c.id, c.merchant_id, c.bsuid, c.wa_id, c.username, c.name, c.profile_name, c.now],
    )
  )[0];
}

export async function getCustomer(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<CustomerRow | undefined> {
  return (
    await q.query<CustomerRow>(`select ${COLUMNS} from customers where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export async function getCustomersByIds(q: Queryable, merchantId: string, ids: string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return q.query<CustomerRow>(`select ${COLUMNS} from customers where merchant_id = $1 and id = any($2::text[])`, [merchantId, ids]);
}

/** The customers holding this bsuid or this phone (at most one each), locked, in id order. */
export async function lockCustomersByIdentity(q: Queryable, merchantId: string, bsuid: string | null, waId: string | null): Promise<CustomerRow[]> {
  return q.query<CustomerRow>(
    `select ${COLUMNS} from customers where merchant_id = $1 and ((bsuid = $2 and $2::text is not null) or (wa_id = $3 and $3::text is not null))
      order by id for update`,
    [merchantId, bsuid, waId],
  );
}

export async function findCustomerBy(q: Queryable, merchantId: string, by: { bsuid: string } | { wa_id: string }): Promise<CustomerRow | undefined> {
  const [col, v] = 'bsuid' in by ? ['bsuid', by.bsuid] : ['wa_id', by.wa_id];
  return (await q.query<CustomerRow>(`select ${COLUMNS} from customers where merchant_id = $1 and ${col} = $2`, [merchantId, v]))[0];
}

export type CustomerPatch = Partial<
  Pick<CustomerRow, 'bsuid' | 'wa_id' | 'username' | 'name' | 'profile_name' | 'tags' | 'opted_out_at' | 'last_inbound_at' | 'last_message_at'>
>;

export async function updateCustomer(q: Queryable, merchantId: string, id: string, patch: CustomerPatch, now: Date): Promise<CustomerRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params, new Set(['tags']));
  return (
    await q.query<CustomerRow>(
      `update customers set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning ${COLUMNS}`,
      params,
    )
  )[0]!;
}

/** Records an inbound message: the window opens from the latest inbound time, never moving back. */
export async function touchInbound(q: Queryable, merchantId: string, id: string, inboundAt: Date, now: Date): Promise<void> {
  await q.query(
    `update customers set last_inbound_at = greatest(last_inbound_at, $3), last_message_at = greatest(last_message_at, $3), updated_at = $4
      where merchant_id = $1 and id = $2`,
    [merchantId, id, inboundAt, now],
  );
}

export async function insertIdentityChange(
  q: Queryable,
  c: { id: string; merchantId: string; customerId: string; field: 'wa_id' | 'bsuid'; old: string | null; new: string | null; reason: string; now: Date },
): Promise<void> {
  await q.query(
    `insert into customer_identity_changes (id, merchant_id, customer_id, field, old_value, new_value, reason, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [c.id, c.merchantId, c.customerId, c.field, c.old, c.new, c.reason, c.now],
  );
}

export interface IdentityChangeRow {
  field: 'wa_id' | 'bsuid';
  old_value: string | null;
  new_value: string | null;
  reason: string;
  created_at: Date;
}

export async function listIdentityChanges(q: Queryable, merchantId: string, customerId: string): Promise<IdentityChangeRow[]> {
  return q.query<IdentityChangeRow>(
    `select field, old_value, new_value, reason, created_at from customer_identity_changes where merchant_id = $1 and customer_id = $2 order by created_at, id`,
    [merchantId, customerId],
  );
}

/** Customers newest first; `query` matches a name, profile name, username, phone or bsuid; `tag` one of the tags. */
export async function listCustomers(
  q: Queryable,
  merchantId: string,
  page: { limit: number; startingAfter?: string | undefined; query?: string | undefined; tag?: string | undefined },
): Promise<CustomerRow[]> {
  const pattern = page.query ? containsPattern(page.query) : null;
  return q.query<CustomerRow>(
    `select ${COLUMNS} from customers
      where merchant_id = $1 and ($2::text is null or id < $2)
        and ($3::text is null or name ilike $3 escape '\\' or profile_name ilike $3 escape '\\' or username ilike $3 escape '\\'
             or wa_id like $3 escape '\\' or bsuid ilike $3 escape '\\' or id = $5)
        and ($6::text is null or tags ? $6)
      order by id desc limit $4`,
    [merchantId, page.startingAfter ?? null, pattern, page.limit + 1, page.query ?? null, page.tag ?? null],
  );
}

/**
 * Takes one token of a customer's pair-rate bucket (Meta limits messages to the same
 * recipient). Returns 0 when taken, else the milliseconds until one is available.
 */
export async function takePairToken(q: Queryable, merchantId: string, id: string, o: { burst: number; perSecond: number; now: Date }): Promise<number> {
  const rows = await q.query<{ avail: number }>(
    `with cur as (
       select least($3::float8, coalesce(pair_tokens, $3::float8) + greatest(0, extract(epoch from ($5::timestamptz - coalesce(pair_refilled_at, $5::timestamptz)))) * $4::float8) as avail
         from customers where merchant_id = $1 and id = $2 for update)
     update customers c set pair_tokens = case when cur.avail >= 1 then cur.avail - 1 else cur.avail end, pair_refilled_at = $5
       from cur where c.merchant_id = $1 and c.id = $2
     returning cur.avail as avail`,
    [merchantId, id, o.burst, o.perSecond, o.now],
  );
  const avail = Number(rows[0]?.avail ?? o.burst);
  return avail >= 1 ? 0 : Math.ceil(((1 - avail) / o.perSecond) * 1000);
}
