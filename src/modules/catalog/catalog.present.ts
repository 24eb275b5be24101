// Products as the API shows them. Amounts are integers in minor units.
import { iso } from '../../platform/http/page.ts';
import type { ProductRow } from './products.repository.ts';

export function presentProduct(p: ProductRow) {
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
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
}
