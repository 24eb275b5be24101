import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { isCurrency } from '../../domain/money.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { isUniqueViolation, type Tx } from '../../platform/store/db.ts';
import * as repo from './products.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { checkTargetUrl } from '../../adapters/outbound-webhooks/ssrf.ts';
import { webhookNetworkPolicy } from '../events/index.ts';
import { enqueueImageCheck } from './catalog.images.ts';

/**
 * Image URLs are fetched by others (Meta's catalog, browsers) and may be fetched by us
 * later, so they pass the same SSRF registration check as webhook endpoints: http(s)
 * only and no refused address named literally.
 */
function checkImageUrl(ctx: AppContext, url: string | null | undefined): Result<void> {
  if (url === undefined || url === null) return ok(undefined);
  const check = checkTargetUrl(url, webhookNetworkPolicy(ctx));
  return check.ok ? ok(undefined) : err(domainError('validation_error', `image_url: ${check.error}`, { path: 'image_url' }));
}

export interface ProductInput {
  retailer_id: string;
  name: string;
  price: number;
  currency: string;
  description?: string | undefined;
  image_url?: string | undefined;
  category?: string | null | undefined;
  goods_type?: repo.GoodsType | undefined;
  active?: boolean | undefined;
}

export const MAX_CATEGORY_LENGTH = 100;

/** Trimmed; blank means no category (null). Undefined stays undefined (a patch that leaves it). */
function checkCategory(c: string | null | undefined): Result<string | null | undefined> {
  if (c === undefined || c === null) return ok(c);
  const t = c.trim();
  if (t.length > MAX_CATEGORY_LENGTH) return err(domainError('validation_error', `category: at most ${MAX_CATEGORY_LENGTH} characters`, { path: 'category' }));
  return ok(t === '' ? null : t);
}

export async function createProduct(ctx: AppContext, tx: Tx, merchantId: string, input: ProductInput): Promise<Result<repo.ProductRow>> {
  if (!isCurrency(input.currency)) return err(domainError('validation_error', `currency: ${input.currency} is not an ISO 4217 currency`, { path: 'currency' }));
  const image = checkImageUrl(ctx, input.image_url);
  if (!image.ok) return err(image.error);
  const category = checkCategory(input.category);
  if (!category.ok) return err(category.error);
  // A savepoint-free duplicate check: the unique index is the real guard, this gives a clear message.
  const dupe = await repo.getProductsByRetailerIds(tx, merchantId, [input.retailer_id]);
  if (dupe.length) return err(domainError('conflict', `A product with retailer_id ${input.retailer_id} already exists`, { product_id: dupe[0]!.id }));
  try {
    const row = await repo.insertProduct(tx, {
      id: newId('prd'),
      merchant_id: merchantId,
      retailer_id: input.retailer_id,
      name: input.name,
      description: input.description ?? null,
      price: input.price,
      currency: input.currency,
      image_url: input.image_url ?? null,
      category: category.value ?? null,
      goods_type: input.goods_type,
      active: input.active ?? true,
      now: ctx.clock.now(),
    });
    await enqueueImageCheck(ctx, tx, row);
    return ok(row);
  } catch (e) {
    if (isUniqueViolation(e)) return err(domainError('conflict', `A product with retailer_id ${input.retailer_id} already exists`));
    throw e;
  }
}

export async function updateProduct(ctx: AppContext, tx: Tx, merchantId: string, id: string, patch: repo.ProductPatch): Promise<Result<repo.ProductRow>> {
  if (patch.currency !== undefined && !isCurrency(patch.currency)) {
    return err(domainError('validation_error', `currency: ${patch.currency} is not an ISO 4217 currency`, { path: 'currency' }));
  }
  const image = checkImageUrl(ctx, patch.image_url);
  if (!image.ok) return err(image.error);
  const category = checkCategory(patch.category);
  if (!category.ok) return err(category.error);
  const row = await repo.updateProduct(
    tx,
    merchantId,
    id,
    { ...patch, ...(category.value !== undefined ? { category: category.value } : {}) },
    ctx.clock.now(),
  );
  if (!row) return err(domainError('not_found', `No product ${id}`));
  if (patch.image_url !== undefined) await enqueueImageCheck(ctx, tx, row);
  return ok(row);
}
