// flow_keywords (0012): a merchant's keyword → flow table, read on every inbound text.
import type { Queryable } from '../../platform/store/db.ts';

export interface FlowKeywordRow {
  merchant_id: string;
  keyword: string;
  flow_name: string;
  flow_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Creates or replaces the keyword's flow; returns the row and whether it was new. */
export async function putFlowKeyword(
  q: Queryable,
  r: { merchant_id: string; keyword: string; flow_name: string; flow_id: string | null; now: Date },
): Promise<FlowKeywordRow & { inserted: boolean }> {
  return (
    await q.query<FlowKeywordRow & { inserted: boolean }>(
      `insert into flow_keywords (merchant_id, keyword, flow_name, flow_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)
       on conflict (merchant_id, keyword) do update set flow_name = excluded.flow_name, flow_id = excluded.flow_id, updated_at = excluded.updated_at
       returning *, (xmax = 0) as inserted`,
      [r.merchant_id, r.keyword, r.flow_name, r.flow_id, r.now],
    )
  )[0]!;
}

export async function getFlowKeyword(q: Queryable, merchantId: string, keyword: string): Promise<FlowKeywordRow | undefined> {
  return (await q.query<FlowKeywordRow>(`select * from flow_keywords where merchant_id = $1 and keyword = $2`, [merchantId, keyword]))[0];
}

export async function listFlowKeywords(q: Queryable, merchantId: string, limit: number): Promise<FlowKeywordRow[]> {
  return q.query<FlowKeywordRow>(`select * from flow_keywords where merchant_id = $1 order by keyword limit $2`, [merchantId, limit]);
}

export async function countFlowKeywords(q: Queryable, merchantId: string): Promise<number> {
  return (await q.query<{ n: number }>(`select count(*)::int as n from flow_keywords where merchant_id = $1`, [merchantId]))[0]!.n;
}

export async function deleteFlowKeyword(q: Queryable, merchantId: string, keyword: string): Promise<boolean> {
  return (
    (await q.query<{ keyword: string }>(`delete from flow_keywords where merchant_id = $1 and keyword = $2 returning keyword`, [merchantId, keyword])).length >
    0
  );
}
