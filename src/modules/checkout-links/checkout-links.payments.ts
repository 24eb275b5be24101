// What a link's payments do after the payer leaves the page. Registered by the composition
// root, so payments and the event log never import checkout links:
// - the capture limit: max_payments counts captured payments, under the link row's lock in
//   the capture's own transaction; a capture past it is refused here and payments takes it
//   as an extra capture (the merchant's extra-capture policy: refund or keep, flagged);
// - the follower of order.paid: with the payer's explicit opt-in, the receipt to the number
//   they typed, queued as a job in the same transaction. Nothing else is ever sent to it.
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { AppContext, LoggedEvent } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getOrder } from '../orders/index.ts';
import { queueOrderReceipt } from '../whatsapp/index.ts';
import { countCapture, getLink, getPayer } from './checkout-links.repository.ts';

export const LIMIT_REACHED = 'checkout link limit reached';

export async function checkoutLinkCaptureLimit(
  ctx: AppContext,
  tx: Queryable,
  o: { merchantId: string; orderId: string },
  opts: { count: boolean },
): Promise<string | undefined> {
  const order = await getOrder(tx, o.merchantId, o.orderId);
  if (!order?.checkout_link_id) return undefined;
  const link = await getLink(tx, o.merchantId, order.checkout_link_id, { forUpdate: opts.count });
  if (!link) return undefined;
  if (link.max_payments !== null && link.payments_captured >= link.max_payments) return LIMIT_REACHED;
  if (opts.count) await countCapture(tx, o.merchantId, link.id, ctx.clock.now());
  return undefined;
}

export async function followCheckoutLinkOrder(ctx: AppContext, tx: Tx, ev: LoggedEvent): Promise<void> {
  if (ev.type !== 'order.paid' || !ev.order_id) return;
  const payer = await getPayer(tx, ev.merchant_id, ev.order_id);
  if (!payer?.notify || !payer.contact_wa_id) return;
  await enqueueJob(tx, {
    kind: 'checkout_link.receipt',
    merchantId: ev.merchant_id,
    payload: { order_id: ev.order_id },
    runAt: ctx.clock.now(),
    // Once per order, however often it is paid again (a review accepted after a refund…).
    dedupeKey: `checkout_link.receipt:${ev.order_id}`,
  });
}

export async function sendLinkReceipt(ctx: AppContext, merchantId: string, orderId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const payer = await getPayer(tx, merchantId, orderId);
    if (!payer?.notify || !payer.contact_wa_id) return;
    await queueOrderReceipt(ctx, tx, merchantId, orderId, payer.contact_wa_id);
  });
}
