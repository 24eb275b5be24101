import type { Queryable } from '../../platform/store/db.ts';

export type GoodsType = 'digital-goods' | 'physical-goods';
export type ImageStatus = 'pending' | 'ok' | 'unreachable' | 'not_an_image';

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
  /** digital-goods (the default) or physical-goods: a cart with a physical product needs a delivery address. */
  goods_type: GoodsType;
  /** What the check of image_url found: null (no image), pending, ok, unreachable or not_an_image. */
  image_status: ImageStatus | null;
  image_reason: string | null;
  image_checked_at: Date | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type ProductInsert = Omit<ProductRow, 'created_at' | 'updated_at' | 'category' | 'goods_type' | 'image_status' | 'image_reason' | 'image_checked_at'> & {
  category?: string | null | undefined;
  goods_type?: GoodsType | undefined;
  now: Date;
};

export async function insertProduct(q: Queryable, p: ProductInsert): Promise<ProductRow> {
  return (
    await q.query<ProductRow>(
      `insert into products (id, merchant_id, retailer_id, name, description, price, currency, image_url, active, created_at, updated_at, category, goods_type, image_status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) returning *`,
      [
        p.id,
        p.merchant_id,
        p.retailer_id,
        p.name,
        p.description,
        p.price,
        p.currency,
        p.image_url,
        p.active,
        p.now,
        p.category ?? null,
        p.goods_type ?? 'digital-goods',
        p.image_url ? 'pending' : null,
      ],
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

/**
 * Active products by retailer_id (byte order), from `after` on, at most `limit`: the catalog as a merchant
 * who keeps Meta's Commerce Manager in step with us would have exported it (the sandbox's
 * Cloud API double serves it as the number's catalog).
 */
export async function listActiveProductsByRetailerId(
  q: Queryable,
  merchantId: string,
  opts: { retailerIds?: readonly string[] | undefined; after?: string | undefined; limit: number },
): Promise<ProductRow[]> {
  return q.query<ProductRow>(
    `select * from products
      where merchant_id = $1 and active and ($2::text[] is null or retailer_id = any($2::text[])) and ($3::text is null or retailer_id > $3 collate "C")
      order by retailer_id collate "C" limit $4`,
    [merchantId, opts.retailerIds ?? null, opts.after ?? null, opts.limit],
  );
}

/** The currencies of a merchant's active products. */
export async function activeProductCurrencies(q: Queryable, merchantId: string): Promise<string[]> {
  return (await q.query<{ currency: string }>(`select distinct currency from products where merchant_id = $1 and active order by currency`, [merchantId])).map(
    (r) => r.currency,
  );
}

/** The first active product by retailer_id (the catalog message's default thumbnail). */
export async function firstActiveProduct(q: Queryable, merchantId: string): Promise<ProductRow | undefined> {
  return (await q.query<ProductRow>(`select * from products where merchant_id = $1 and active order by retailer_id limit 1`, [merchantId]))[0];
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

const PATCHABLE = ['name', 'description', 'price', 'currency', 'image_url', 'category', 'goods_type', 'active'] as const;
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
  // A new image_url is checked again: pending until the check job has looked (null: no image).
  if (patch.image_url !== undefined) {
    const url = placeholderOf(params, patch.image_url);
    const same = `image_url is not distinct from ${url}::text`;
    sets.push(
      `image_status = case when ${same} then image_status when ${url}::text is null then null else 'pending' end`,
      `image_reason = case when ${same} then image_reason else null end`,
      `image_checked_at = case when ${same} then image_checked_at else null end`,
    );
  }
  return (
    await q.query<ProductRow>(`update products set ${[...sets, 'updated_at = $3'].join(', ')} where merchant_id = $1 and id = $2 returning *`, params)
  )[0];
}

function placeholderOf(params: unknown[], v: unknown): string {
  params.push(v);
  return `$${params.length}`;
}

/** The outcome of an image check, kept only if the product still has the URL that was checked. */
export async function setImageStatus(
  q: Queryable,
  merchantId: string,
  id: string,
  checkedUrl: string,
  r: { status: ImageStatus; reason: string | null; at: Date },
): Promise<ProductRow | undefined> {
  return (
    await q.query<ProductRow>(
      `update products set image_status = $4, image_reason = $5, image_checked_at = $6
        where merchant_id = $1 and id = $2 and image_url = $3 returning *`,
      [merchantId, id, checkedUrl, r.status, r.reason, r.at],
    )
  )[0];
}
