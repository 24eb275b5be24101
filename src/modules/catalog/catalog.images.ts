// Is a product's image_url an image? Checked once per URL, in a job (never while the
// merchant's request waits), through the SSRF guard of outgoing webhooks: the result is
// kept on the product (image_status, image_reason, image_checked_at) so the merchant
// sees a broken image before a customer does. A changed URL is checked again.
import crypto from 'node:crypto';
import { probeImage } from '../../adapters/outbound-webhooks/image-probe.ts';
import type { Resolver } from '../../adapters/outbound-webhooks/ssrf.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { webhookNetworkPolicy } from '../events/index.ts';
import { getProduct, setImageStatus, type ProductRow } from './products.repository.ts';

export const IMAGE_CHECK_JOB = 'product.image_check';

/** Queues the check of a product whose image is pending (in the caller's transaction). */
export async function enqueueImageCheck(ctx: AppContext, tx: Tx, p: ProductRow): Promise<void> {
  if (p.image_status !== 'pending' || !p.image_url) return;
  const urlHash = crypto.createHash('sha256').update(p.image_url).digest('hex').slice(0, 16);
  await enqueueJob(tx, {
    kind: IMAGE_CHECK_JOB,
    merchantId: p.merchant_id,
    payload: { product_id: p.id, image_url: p.image_url },
    runAt: ctx.clock.now(),
    dedupeKey: `${IMAGE_CHECK_JOB}:${p.id}:${urlHash}:${p.updated_at.getTime()}`,
    maxAttempts: 3,
  });
}

/** Fetches the URL (first bytes only) and records what it is; a URL replaced meanwhile is left to its own job. */
export async function checkProductImage(
  ctx: AppContext,
  merchantId: string,
  productId: string,
  url: string,
  o: { resolve?: Resolver; timeoutMs?: number } = {},
): Promise<ProductRow | undefined> {
  const p = await getProduct(ctx.db, merchantId, productId);
  if (!p || p.image_url !== url) return undefined;
  const r = await probeImage({ url, policy: webhookNetworkPolicy(ctx), resolve: o.resolve, timeoutMs: o.timeoutMs ?? 10_000 });
  return setImageStatus(ctx.db, merchantId, productId, url, {
    status: r.status,
    reason: r.status === 'ok' ? null : r.reason.slice(0, 500),
    at: ctx.clock.now(),
  });
}
