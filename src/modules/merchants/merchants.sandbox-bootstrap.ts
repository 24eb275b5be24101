// The first start in sandbox mode creates a demo merchant with a small catalog, so
// a new user has something to try within a minute. Its API key is returned once.
import type { Tx } from '../../platform/store/db.ts';
import { countMerchants } from './merchants.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { createMerchant } from './merchants.create.ts';
import { createProduct } from '../catalog/catalog.products.ts';

export const DEMO_PRODUCTS = [
  { retailer_id: 'masala-chai', name: 'Masala chai (250 g)', price: 24_900, currency: 'INR', description: 'Assam tea with cardamom, ginger and clove' },
  { retailer_id: 'filter-coffee', name: 'Filter coffee (500 g)', price: 44_900, currency: 'INR', description: 'Chicory blend, medium roast' },
  { retailer_id: 'brass-tumbler', name: 'Brass tumbler and davara', price: 89_900, currency: 'INR', description: 'Hand-polished, 150 ml' },
];

export async function bootstrapSandbox(ctx: AppContext, tx: Tx): Promise<{ merchantId: string; apiKey: string } | null> {
  // Two processes starting together must not both create a demo merchant.
  await tx.query('select pg_advisory_xact_lock(727274002)');
  if ((await countMerchants(tx)) > 0) return null;
  const { merchant, apiKey } = await createMerchant(ctx, tx, 'Demo Shop');
  for (const p of DEMO_PRODUCTS) {
    const r = await createProduct(ctx, tx, merchant.id, p);
    if (!r.ok) throw new Error(`demo catalog: ${r.error.message}`);
  }
  return { merchantId: merchant.id, apiKey };
}
