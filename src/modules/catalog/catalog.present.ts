// Products as the API shows them, with the zod schema their routes answer with (and
// /openapi.json shows). Amounts are integers in minor units.
import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { ProductRow } from './products.repository.ts';

export const productSchema = z
  .object({
    id: z.string().describe('prd_…'),
    object: z.literal('product'),
    retailer_id: z.string().describe('Unique per merchant; the id WhatsApp catalogs use'),
    name: z.string(),
    description: z.string().nullable(),
    price: z.number().int().describe('Minor units of `currency`'),
    currency: z.string().describe('ISO 4217'),
    image_url: z.string().nullable(),
    image_status: z
      .enum(['pending', 'ok', 'unreachable', 'not_an_image'])
      .nullable()
      .describe('What fetching image_url (once, in a job, through the SSRF guard) found; null without an image_url'),
    image_status_reason: z.string().nullable(),
    image_checked_at: isoTime.nullable(),
    goods_type: z.enum(['digital-goods', 'physical-goods']).describe('physical-goods need a delivery address before they are billed'),
    category: z.string().nullable(),
    active: z.boolean(),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'Product', description: 'A product of the catalog (the price of record)' });

export const productListSchema = listOf(productSchema);

export function presentProduct(p: ProductRow): z.infer<typeof productSchema> {
  return {
    id: p.id,
    object: 'product',
    retailer_id: p.retailer_id,
    name: p.name,
    description: p.description,
    price: p.price,
    currency: p.currency,
    image_url: p.image_url,
    image_status: p.image_status,
    image_status_reason: p.image_reason,
    image_checked_at: p.image_checked_at ? iso(p.image_checked_at) : null,
    goods_type: p.goods_type,
    category: p.category,
    active: p.active,
    created_at: iso(p.created_at)!,
    updated_at: iso(p.updated_at)!,
  };
}
