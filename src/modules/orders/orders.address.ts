// A physical-goods order's delivery address, given by the customer after the order was
// made: from WhatsApp's address message (a cart in India) or from our pay page (a payment
// link). Only an open, unpaid order without one takes it, so a customer cannot change
// where a paid order ships. Written with its event and, when the bill waited for it, the
// bill job, in one transaction.
import type { ShippingAddress } from '../../domain/address.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { recordEvent } from '../events/index.ts';
import { getOrder, setOrderShippingAddress, type OrderRow } from './orders.repository.ts';

/** Does this order still wait for its delivery address (and may take one)? */
export const awaitsAddress = (o: Pick<OrderRow, 'goods_type' | 'shipping_address' | 'status' | 'payment_status'>) =>
  o.goods_type === 'physical-goods' && !o.shipping_address && o.status === 'pending' && ['unpaid', 'failed'].includes(o.payment_status);

export async function addShippingAddress(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  orderId: string,
  address: ShippingAddress,
  opts: { via: 'address_message' | 'pay_page' | 'api'; sendBill: boolean },
): Promise<Result<OrderRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`));
  if (!awaitsAddress(order)) {
    const why =
      order.goods_type !== 'physical-goods' ? 'is not physical goods' : order.shipping_address ? 'already has a delivery address' : 'is no longer open';
    return err(domainError('conflict', `Order ${order.id} ${why}`));
  }
  const updated = await setOrderShippingAddress(tx, merchantId, orderId, address as unknown as Record<string, unknown>, ctx.clock.now());
  await recordEvent(ctx, tx, actor, {
    merchantId,
    orderId,
    type: 'order.shipping_address_added',
    data: { shipping_address: address as unknown as Record<string, unknown>, via: opts.via },
  });
  if (opts.sendBill && updated.current_payment_id) {
    await enqueueJob(tx, {
      kind: 'bill.send',
      merchantId,
      payload: { order_id: orderId, payment_id: updated.current_payment_id },
      runAt: ctx.clock.now(),
      dedupeKey: `bill.send:${updated.current_payment_id}:address`,
    });
  }
  return ok(updated);
}
