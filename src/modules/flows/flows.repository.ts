// WhatsApp Flows tables (0007_flows.sql): merchants' key pairs, the flow tokens we
// issue with their server-side state, and the few catalog and order reads flows need.
import type { Queryable } from '../../platform/store/db.ts';

export interface FlowKeyRow {
  merchant_id: string;
  public_key_pem: string;
  /** Sealed with the SecretBox. */
  private_key: string;
  created_at: Date;
}

/** Inserts the merchant's pair; with replace, an existing pair is overwritten (rotation). Undefined when one exists and replace is false. */
export async function putFlowKey(q: Queryable, row: FlowKeyRow, replace: boolean): Promise<FlowKeyRow | undefined> {
  const conflict = replace
    ? `do update set public_key_pem = excluded.public_key_pem, private_key = excluded.private_key, created_at = excluded.created_at`
    : `do nothing`;
  return (
    await q.query<FlowKeyRow>(
      `insert into flow_keys (merchant_id, public_key_pem, private_key, created_at) values ($1, $2, $3, $4)
       on conflict (merchant_id) ${conflict} returning *`,
      [row.merchant_id, row.public_key_pem, row.private_key, row.created_at],
    )
  )[0];
}

export async function getFlowKey(q: Queryable, merchantId: string): Promise<FlowKeyRow | undefined> {
  return (await q.query<FlowKeyRow>(`select * from flow_keys where merchant_id = $1`, [merchantId]))[0];
}

export type FlowTokenStatus = 'active' | 'completed' | 'expired';

export interface FlowTokenRow {
  token: string;
  merchant_id: string;
  customer_id: string | null;
  wa_id: string | null;
  flow_name: string;
  state: Record<string, unknown>;
  status: FlowTokenStatus;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export async function insertFlowToken(q: Queryable, r: Omit<FlowTokenRow, 'created_at' | 'updated_at'> & { now: Date }): Promise<FlowTokenRow> {
  return (
    await q.query<FlowTokenRow>(
      `insert into flow_tokens (token, merchant_id, wa_id, flow_name, state, status, expires_at, created_at, updated_at, customer_id)
       values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8, $9) returning *`,
      [r.token, r.merchant_id, r.wa_id, r.flow_name, JSON.stringify(r.state), r.status, r.expires_at, r.now, r.customer_id],
    )
  )[0]!;
}

/** The token's row; forUpdate locks it so two requests of one flow take turns. */
export async function getFlowToken(q: Queryable, token: string, opts: { forUpdate?: boolean } = {}): Promise<FlowTokenRow | undefined> {
  return (await q.query<FlowTokenRow>(`select * from flow_tokens where token = $1${opts.forUpdate ? ' for update' : ''}`, [token]))[0];
}

export async function updateFlowToken(
  q: Queryable,
  token: string,
  patch: { state?: Record<string, unknown>; status?: FlowTokenStatus },
  now: Date,
): Promise<void> {
  await q.query(`update flow_tokens set state = coalesce($2::jsonb, state), status = coalesce($3, status), updated_at = $4 where token = $1`, [
    token,
    patch.state === undefined ? null : JSON.stringify(patch.state),
    patch.status ?? null,
    now,
  ]);
}

export interface MenuProductRow {
  retailer_id: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  category: string | null;
}

/** Active products for a flow's menu, in a stable order (category, then name). */
export async function listMenuProducts(q: Queryable, merchantId: string, limit: number): Promise<MenuProductRow[]> {
  return q.query<MenuProductRow>(
    `select retailer_id, name, description, price, currency, category from products
      where merchant_id = $1 and active order by category nulls last, name, retailer_id limit $2`,
    [merchantId, limit],
  );
}

/** Marks the order as the flow token's result. The partial unique index refuses a second order for one token. */
export async function setOrderFlowToken(q: Queryable, merchantId: string, orderId: string, token: string): Promise<void> {
  await q.query(`update orders set flow_token = $3 where merchant_id = $1 and id = $2`, [merchantId, orderId, token]);
}

export async function getOrderIdByFlowToken(q: Queryable, merchantId: string, token: string): Promise<string | undefined> {
  return (await q.query<{ id: string }>(`select id from orders where merchant_id = $1 and flow_token = $2`, [merchantId, token]))[0]?.id;
}
