// quick_replies (0026): a merchant's saved answers, by shortcut.
import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface QuickReplyRow {
  id: string;
  merchant_id: string;
  shortcut: string;
  body: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Inserts one; undefined when the merchant already has that shortcut. */
export async function insertQuickReply(q: Queryable, r: Omit<QuickReplyRow, 'created_at' | 'updated_at'> & { now: Date }): Promise<QuickReplyRow | undefined> {
  return (
    await q.query<QuickReplyRow>(
      `insert into quick_replies (id, merchant_id, shortcut, body, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)
       on conflict (merchant_id, shortcut) do nothing returning *`,
      [r.id, r.merchant_id, r.shortcut, r.body, r.created_by, r.now],
    )
  )[0];
}

export async function getQuickReply(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<QuickReplyRow | undefined> {
  return (
    await q.query<QuickReplyRow>(`select * from quick_replies where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

export async function findQuickReplyByShortcut(q: Queryable, merchantId: string, shortcut: string): Promise<QuickReplyRow | undefined> {
  return (await q.query<QuickReplyRow>(`select * from quick_replies where merchant_id = $1 and shortcut = $2`, [merchantId, shortcut]))[0];
}

export async function countQuickReplies(q: Queryable, merchantId: string): Promise<number> {
  return (await q.query<{ n: number }>(`select count(*)::int as n from quick_replies where merchant_id = $1`, [merchantId]))[0]!.n;
}

/** By shortcut; `prefix` keeps those whose shortcut starts with it (LIKE wildcards escaped by the caller's normalization). */
export async function listQuickReplies(
  q: Queryable,
  merchantId: string,
  o: { prefix?: string | undefined; after?: string | undefined; limit: number },
): Promise<QuickReplyRow[]> {
  return q.query<QuickReplyRow>(
    `select * from quick_replies where merchant_id = $1 and ($2::text is null or left(shortcut, length($2)) = $2) and ($3::text is null or shortcut > $3)
      order by shortcut limit $4`,
    [merchantId, o.prefix ?? null, o.after ?? null, o.limit + 1],
  );
}

export async function updateQuickReply(
  q: Queryable,
  merchantId: string,
  id: string,
  patch: Partial<Pick<QuickReplyRow, 'shortcut' | 'body'>>,
  now: Date,
): Promise<QuickReplyRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params);
  return (
    await q.query<QuickReplyRow>(`update quick_replies set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0]!;
}

export async function deleteQuickReply(q: Queryable, merchantId: string, id: string): Promise<boolean> {
  return (await q.query(`delete from quick_replies where merchant_id = $1 and id = $2 returning id`, [merchantId, id])).length > 0;
}
