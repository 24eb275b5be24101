import type { Queryable } from '../../platform/store/db.ts';

export interface ProductRow {
  id: string;
  merchant_id: string;
  retailer_id: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  image_url: string | null;
  /** Groups the menu of the order-food flow; null: the default group. */
  category: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type ProductInsert = Omit<ProductRow, 'created_at' | 'updated_at' | 'category'> & { category?: string | null | undefined; now: Date };

export async function insertProduct(q: Queryable, p: ProductInsert): Promise<ProductRow> {
  return (
    await q.query<ProductRow>(
      `insert into products (id, merchant_id, retailer_id, name, description, price, currency, image_url, active, created_at, updated_at, category)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) returning *`,
      [p.id, p.merchant_id, p.retailer_id, p.name, p.description, p.price, p.currency, p.image_url, p.active, p.now, p.category ?? null],
    )
  )[0]!;
}

export async function getProduct(q: Queryable, merchantId: string, id: string): Promise<ProductRow | undefined> {
  return (await q.query<ProductRow>(`select * from products where merchant_id = $1 and id = $2`, [merchantId, id]))[0];
}

export async function getProductsByRetailerIds(q: Queryable, merchantId: string, retailerIds: string[]): Promise<ProductRow[]> {
  if (retailerIds.length === 0) return [];
  return q.query<ProductRow>(`select * from products where merchant_id = $1 and retailer_id = any($2::text[])`, [merchantId, retailerIds]);
}

export async function listProducts(
  q: Queryable,
  merchantId: string,
  page: { limit: number; startingAfter?: string | undefined; active?: boolean | undefined; category?: string | undefined },
): Promise<ProductRow[]> {
  return q.query<ProductRow>(
    `select * from products where merchant_id = $1 and ($2::text is null or id < $2) and ($3::boolean is null or active = $3)
        and ($5::text is null or category = $5)
      order by id desc limit $4`,
    [merchantId, page.startingAfter ?? null, page.active ?? null, page.limit + 1, page.category ?? null],
  );
}

const PATCHABLE = ['name', 'description', 'price', 'currency', 'image_url', 'category', 'active'] as const;
export type ProductPatch = Partial<Pick<ProductRow, (typeof PATCHABLE)[number]>>;

export async function updateProduct(q: Queryable, merchantId: string, id: string, patch: ProductPatch, now: Date): Promise<ProductRow | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [merchantId, id, now];
  for (const col of PATCHABLE) {
    if (patch[col] !== undefined) {
      params.push(patch[col]);
      sets.push(`${col} = $${params.length}`);
    }
  }
  return (
    await q.query<ProductRow>(`update products set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0];
}
