// How a merchant comes to be: a new merchant with its first API key and, in sandbox
// mode, a simulated WhatsApp number it can message its simulated customers from at once;
// and the first sandbox start, which creates a demo merchant with a small catalog so a
// new user has something to try within a minute (its API key is returned once). The demo
// merchant is marked as such: live mode keeps it inert (docs/operations.md).
import { createProduct } from '../modules/catalog/index.ts';
import { createMerchant } from '../modules/merchants/index.ts';
import { countMerchants, lockFirstMerchant } from '../modules/merchants/index.ts';
import { ensureSandboxNumber } from '../modules/whatsapp/index.ts';
import { createUser } from '../modules/users/index.ts';
import type { AppContext } from '../platform/context.ts';
import type { Tx } from '../platform/store/db.ts';

export async function onboardMerchant(ctx: AppContext, tx: Tx, name: string, opts: Parameters<typeof createMerchant>[3] = {}) {
  const created = await createMerchant(ctx, tx, name, opts);
  if (ctx.mode === 'sandbox') await ensureSandboxNumber(ctx, tx, created.merchant.id);
  return created;
}

export const DEMO_PRODUCTS = [
  { retailer_id: 'masala-chai', name: 'Masala chai (250 g)', price: 24_900, currency: 'INR', description: 'Assam tea with cardamom, ginger and clove' },
  { retailer_id: 'filter-coffee', name: 'Filter coffee (500 g)', price: 44_900, currency: 'INR', description: 'Chicory blend, medium roast' },
  // Shipped goods: a cart with it asks for the delivery address before the bill (docs/whatsapp.md).
  {
    retailer_id: 'brass-tumbler',
    name: 'Brass tumbler and davara',
    price: 89_900,
    currency: 'INR',
    description: 'Hand-polished, 150 ml',
    goods_type: 'physical-goods' as const,
  },
];

/** The demo merchant's owner: signs in to the console through the one-time link printed at the first start. */
export const DEMO_OWNER_EMAIL = 'owner@demo.chatcart.local';

export async function bootstrapSandbox(
  ctx: AppContext,
  tx: Tx,
): Promise<{ merchantId: string; apiKey: string; ownerEmail: string; consoleLinkPath: string } | null> {
  // Two processes starting together must not both create a demo merchant.
  await lockFirstMerchant(tx);
  if ((await countMerchants(tx)) > 0) return null;
  // The demo sells in rupees; its time zone stays UTC (the default) so its booking hours read as documented.
  const { merchant, apiKey } = await onboardMerchant(ctx, tx, 'Demo Shop', { demo: true, business: { currency: 'INR', locale: 'en-IN' } });
  for (const p of DEMO_PRODUCTS) {
    const r = await createProduct(ctx, tx, merchant.id, p);
    if (!r.ok) throw new Error(`demo catalog: ${r.error.message}`);
  }
  const owner = await createUser(
    ctx,
    tx,
    { source: 'cli', id: 'first-start' },
    merchant.id,
    { email: DEMO_OWNER_EMAIL, name: 'Demo owner', role: 'owner' },
    null,
  );
  if (!owner.ok || !owner.value.link) throw new Error(`demo owner: ${owner.ok ? 'no link' : owner.error.message}`);
  return { merchantId: merchant.id, apiKey, ownerEmail: owner.value.user.email, consoleLinkPath: owner.value.link.path };
}
