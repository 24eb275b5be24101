// The only SQL of checkout links: the links, and what each payer typed beside their order.
import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface CheckoutLinkRow {
  id: string;
  merchant_id: string;
  slug: string;
  name: string;
  description: string | null;
  currency: string;
  amount: number | null;
  amount_min: number | null;
  amount_max: number | null;
  retailer_ids: string[];
  max_payments: number | null;
  payments_captured: number;
  expires_at: Date | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type CheckoutLinkInsert = Omit<CheckoutLinkRow, 'payments_captured' | 'created_at' | 'updated_at'> & { now: Date };

export async function insertLink(q: Queryable, l: CheckoutLinkInsert): Promise<CheckoutLinkRow> {
  return (
    await q.query<CheckoutLinkRow>(
      `insert into checkout_links (id, merchant_id, slug, name, description, currency, amount, amount_min, amount_max, retailer_ids,
                                   max_payments, expires_at, active, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) returning *`,
      [
        l.id,
        l.merchant_id,
        l.slug,
        l.name,
        l.description,
        l.currency,
        l.amount,
        l.amount_min,
        l.amount_max,
        JSON.stringify(l.retailer_ids),
        l.max_payments,
        l.expires_at,
        l.active,
        l.now,
      ],
    )
  )[0]!;
}

export async function getLink(q: Queryable, merchantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<CheckoutLinkRow | undefined> {
  return (
    await q.query<CheckoutLinkRow>(`select * from checkout_links where merchant_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`, [merchantId, id])
  )[0];
}

/** The public page's lookup: the slug is the whole secret, so it alone names the link. */
export async function getLinkBySlug(q: Queryable, slug: string): Promise<CheckoutLinkRow | undefined> {
  return (await q.query<CheckoutLinkRow>(`select * from checkout_links where slug = $1`, [slug]))[0];
}

export async function listLinks(q: Queryable, merchantId: string, page: { limit: number; startingAfter?: string | undefined }): Promise<CheckoutLinkRow[]> {
  return q.query<CheckoutLinkRow>(`select * from checkout_links where merchant_id = $1 and ($2::text is null or id < $2) order by id desc limit $3`, [
    merchantId,
    page.startingAfter ?? null,
    page.limit + 1,
  ]);
}

export type CheckoutLinkPatch = Partial<
  Pick<CheckoutLinkRow, 'name' | 'description' | 'amount' | 'amount_min' | 'amount_max' | 'retailer_ids' | 'max_payments' | 'expires_at' | 'active'>
>;

export async function updateLink(q: Queryable, merchantId: string, id: string, patch: CheckoutLinkPatch, now: Date): Promise<CheckoutLinkRow> {
  const params: unknown[] = [merchantId, id, now];
  const sets = setList(patch, params, new Set(['retailer_ids']));
  return (
    await q.query<CheckoutLinkRow>(
      `update checkout_links set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`,
      params,
    )
  )[0]!;
}

/** One more counted capture (the caller holds the link's row lock). */
export async function countCapture(q: Queryable, merchantId: string, id: string, now: Date): Promise<void> {
  await q.query(`update checkout_links set payments_captured = payments_captured + 1, updated_at = $3 where merchant_id = $1 and id = $2`, [
    merchantId,
    id,
    now,
  ]);
}

export interface PayerRow {
  order_id: string;
  merchant_id: string;
  checkout_link_id: string;
  contact_wa_id: string | null;
  notify: boolean;
  created_at: Date;
}

export async function insertPayer(q: Queryable, p: PayerRow): Promise<void> {
  await q.query(
    `insert into checkout_link_payers (order_id, merchant_id, checkout_link_id, contact_wa_id, notify, created_at) values ($1, $2, $3, $4, $5, $6)`,
    [p.order_id, p.merchant_id, p.checkout_link_id, p.contact_wa_id, p.notify, p.created_at],
  );
}

export async function getPayer(q: Queryable, merchantId: string, orderId: string): Promise<PayerRow | undefined> {
  return (await q.query<PayerRow>(`select * from checkout_link_payers where merchant_id = $1 and order_id = $2`, [merchantId, orderId]))[0];
}
