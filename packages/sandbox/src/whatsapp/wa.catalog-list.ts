// A number's Meta catalog, as Commerce Manager holds it: the items put in it
// (sandbox_wa_catalog_items, seeded through PUT /sandbox/graph/catalog/{phone_number_id}),
// and, standing in for an export that does not exist yet, every active product of the
// business that it lacks (so products made through chatcart's API are in the catalog, as a
// merchant who keeps both in step would have them). What GET /{catalog_id}/products serves,
// what product messages may show, and what the simulated phone browses.
import crypto from 'node:crypto';
import type { BusinessProduct, SandboxContext } from '../host.ts';
import { listCatalogItems, type CatalogProduct } from './wa.repository.ts';

export type CatalogOwner = { merchant_id: string; catalog_id: string | null };

/** Meta's numeric item id for a product it got from the business: stable, 16 digits. */
export const metaItemId = (productId: string): string =>
  String(1_000_000_000_000_000 + Number.parseInt(crypto.createHash('md5').update(productId).digest('hex').slice(0, 12), 16));

const asItem = (p: BusinessProduct): CatalogProduct => ({
  retailer_id: p.retailer_id,
  name: p.name,
  description: p.description,
  price: p.price,
  currency: p.currency,
  image_url: p.image_url,
  availability: 'in stock',
  id: metaItemId(p.id),
});

/**
 * The catalog by retailer_id in byte order (both sources sort and page with `collate "C"`,
 * the order of JavaScript's string comparison), from `after` on, at most `limit`. An item put in the catalog
 * hides the business's product of the same retailer_id. Each source is read up to `limit`:
 * an item among the first `limit` of the merged list is among the first `limit` of its
 * source, so a product is never shown that an item beyond the page would have hidden.
 */
export async function listCatalog(
  ctx: Pick<SandboxContext, 'db' | 'business'>,
  n: CatalogOwner,
  opts: { retailerIds?: string[]; after?: string; limit?: number } = {},
): Promise<CatalogProduct[]> {
  const page = { retailerIds: opts.retailerIds, after: opts.after, limit: opts.limit ?? 5000 };
  const [items, products] = await Promise.all([listCatalogItems(ctx.db, n.catalog_id ?? '', page), ctx.business.catalogProducts(n.merchant_id, page)]);
  const put = new Set(items.map((i) => i.retailer_id));
  return [...items, ...products.filter((p) => !put.has(p.retailer_id)).map(asItem)]
    .sort((a, b) => (a.retailer_id < b.retailer_id ? -1 : a.retailer_id > b.retailer_id ? 1 : 0))
    .slice(0, page.limit);
}
