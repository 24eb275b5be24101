// flow_keywords (0012, 0026): the merchant's one keyword list, read on every inbound text. A
// keyword answers with a flow (flow_name) or another reply (reply: text, catalog, product
// list; the auto-replies settings write those). /v1/flows/keywords shows the flow ones.
import type { Queryable } from '../../platform/store/db.ts';

export interface FlowKeywordRow {
  merchant_id: string;
  keyword: string;
  flow_name: string | null;
  flow_id: string | null;
  reply: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

/** A keyword answered with a flow. */
export type FlowOnlyKeywordRow = FlowKeywordRow & { flow_name: string };

/** Creates or replaces the keyword's flow (whatever it answered before); returns the row and whether it was new. */
export async function putFlowKeyword(
  q: Queryable,
  r: { merchant_id: string; keyword: string; flow_name: string; flow_id: string | null; now: Date },
): Promise<FlowOnlyKeywordRow & { inserted: boolean }> {
  return (
    await q.query<FlowOnlyKeywordRow & { inserted: boolean }>(
      `insert into flow_keywords (merchant_id, keyword, flow_name, flow_id, reply, created_at, updated_at) values ($1, $2, $3, $4, null, $5, $5)
       on conflict (merchant_id, keyword) do update set flow_name = excluded.flow_name, flow_id = excluded.flow_id, reply = null, updated_at = excluded.updated_at
       returning *, (xmax = 0) as inserted`,
      [r.merchant_id, r.keyword, r.flow_name, r.flow_id, r.now],
    )
  )[0]!;
}

export async function getFlowKeyword(q: Queryable, merchantId: string, keyword: string): Promise<FlowKeywordRow | undefined> {
  return (await q.query<FlowKeywordRow>(`select * from flow_keywords where merchant_id = $1 and keyword = $2`, [merchantId, keyword]))[0];
}

/** The keywords that answer with a flow. */
export async function listFlowKeywords(q: Queryable, merchantId: string, limit: number): Promise<FlowOnlyKeywordRow[]> {
  return q.query<FlowOnlyKeywordRow>(`select * from flow_keywords where merchant_id = $1 and flow_name is not null order by keyword limit $2`, [
    merchantId,
    limit,
  ]);
}

/** The whole keyword list (every kind of reply). */
export async function listKeywords(q: Queryable, merchantId: string, limit: number): Promise<FlowKeywordRow[]> {
  return q.query<FlowKeywordRow>(`select * from flow_keywords where merchant_id = $1 order by keyword limit $2`, [merchantId, limit]);
}

export async function countFlowKeywords(q: Queryable, merchantId: string): Promise<number> {
  return (await q.query<{ n: number }>(`select count(*)::int as n from flow_keywords where merchant_id = $1`, [merchantId]))[0]!.n;
}

/** Deletes a keyword that answers with a flow. */
export async function deleteFlowKeyword(q: Queryable, merchantId: string, keyword: string): Promise<boolean> {
  return (
    (
      await q.query<{ keyword: string }>(`delete from flow_keywords where merchant_id = $1 and keyword = $2 and flow_name is not null returning keyword`, [
        merchantId,
        keyword,
      ])
    ).length > 0
  );
}

/**
 * Replaces the whole list with these entries (PUT /v1/settings/auto-replies): rows not named
 * are deleted, the others written; a kept keyword keeps its created_at.
 */
export async function replaceKeywords(
  q: Queryable,
  merchantId: string,
  entries: { keyword: string; flow_name: string | null; flow_id: string | null; reply: Record<string, unknown> | null }[],
  now: Date,
): Promise<void> {
  await q.query(`delete from flow_keywords where merchant_id = $1 and not (keyword = any($2::text[]))`, [merchantId, entries.map((e) => e.keyword)]);
  for (const e of entries) {
    await q.query(
      `insert into flow_keywords (merchant_id, keyword, flow_name, flow_id, reply, created_at, updated_at) values ($1, $2, $3, $4, $5::jsonb, $6, $6)
       on conflict (merchant_id, keyword) do update set flow_name = excluded.flow_name, flow_id = excluded.flow_id, reply = excluded.reply,
         updated_at = case when (flow_keywords.flow_name, flow_keywords.flow_id, flow_keywords.reply) is not distinct from (excluded.flow_name, excluded.flow_id, excluded.reply)
                           then flow_keywords.updated_at else excluded.updated_at end`,
      [merchantId, e.keyword, e.flow_name, e.flow_id, e.reply === null ? null : JSON.stringify(e.reply), now],
    );
  }
}
