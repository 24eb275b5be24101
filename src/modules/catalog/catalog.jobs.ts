// Jobs of the catalog: checking product images.
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';
import { checkProductImage, IMAGE_CHECK_JOB } from './catalog.images.ts';

export function catalogJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    [IMAGE_CHECK_JOB]: async (job) => {
      const { product_id, image_url } = job.payload as { product_id?: unknown; image_url?: unknown };
      if (typeof product_id !== 'string' || typeof image_url !== 'string' || !job.merchant_id)
        throw new PermanentJobError(`${job.kind} needs product_id and image_url`);
      await checkProductImage(ctx, job.merchant_id, product_id, image_url);
    },
  };
}
