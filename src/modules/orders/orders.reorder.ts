// Reordering: an expired or canceled bill's "reply here for a new one" leads to a new order
// for the same customer with the same catalog items at today's prices, linked to the old one
// (`reordered_from`). The old order stays closed. Lines outside the catalog, and the old
// order's tax, shipping and discount, are not copied: they were amounts someone set for that
// bill, and a role that bills catalog prices only must be able to reorder. A booking deposit
// is never reordered: its slot is gone (the customer books again).
import { domainError } from '../../domain/errors.ts';
import { err, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import { createOrder } from './orders.create.ts';
import type { PaymentMethod } from './orders.payment-methods.ts';
import { getOrder, type OrderRow } from './orders.repository.ts';
import { getPayment, type PaymentRow } from './payment-attempts.repository.ts';

export async function reorder(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
): Promise<Result<{ order: OrderRow; payment: PaymentRow }>> {
  const old = await getOrder(tx, merchantId, orderId);
  if (!old) return err(domainError('not_found', `No order ${orderId}`));
  if (old.metadata['booking_id']) {
    return err(domainError('conflict', 'A booking deposit cannot be reordered: its slot is no longer held. The customer can book again.'));
  }
  // An expired bill leaves its order canceled (payment_status expired): both read as closed.
  if (old.status !== 'canceled') {
    return err(
      domainError(
        'conflict',
        `Only an expired or canceled order can be reordered; this one is ${old.status}. Bill it again instead (POST /v1/orders/{id}/bill).`,
        {
          status: old.status,
        },
      ),
    );
  }
  const lines = old.items.filter((i) => i.product_id !== null && i.retailer_id !== null);
  if (lines.length === 0) return err(domainError('conflict', 'This order has no catalog items to reorder'));
  const retailerIds = [...new Set(lines.map((i) => i.retailer_id!))];
  const sold = new Set((await getProductsByRetailerIds(tx, merchantId, retailerIds)).filter((p) => p.active).map((p) => p.retailer_id));
  const gone = retailerIds.filter((r) => !sold.has(r));
  if (gone.length > 0) {
    return err(
      domainError('conflict', `No longer in the catalog (or inactive): ${gone.join(', ')}. Create the order by hand without them.`, { retailer_ids: gone }),
    );
  }
  const payment = old.current_payment_id ? await getPayment(tx, merchantId, old.current_payment_id) : undefined;
  return createOrder(ctx, tx, actor, merchantId, {
    customer: old.customer_id ?? { wa_id: old.customer_wa_id ?? '', name: old.customer_name ?? undefined },
    currency: old.currency,
    items: lines.map((i) => ({ retailer_id: i.retailer_id!, quantity: i.quantity })),
    goods_type: old.goods_type === 'physical-goods' ? 'physical-goods' : 'digital-goods',
    shipping_address: (old.shipping_address as Record<string, string> | null) ?? undefined,
    payment: { method: (payment?.method ?? 'payment_link') as PaymentMethod, provider: payment?.provider },
    metadata: old.metadata,
    reordered_from: old.id,
  });
}
