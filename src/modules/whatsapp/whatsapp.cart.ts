// The cart-to-bill loop: a cart sent from the catalog becomes an order priced from
// our products table (the price of record; WhatsApp's item_price is only what the
// customer saw), and the bill goes out the way the merchant's default payment says.
// Unknown or inactive items are told to the customer; a price that changed is noted
// on the bill.
import type { InboundMessage } from '../../adapters/whatsapp/webhook.schema.ts';
import { formatMinor } from '../../domain/money.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getProductsByRetailerIds } from '../catalog/index.ts';
import { updateMessage } from './whatsapp-messages.repository.ts';
import type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { createOrder } from '../orders/index.ts';
import { reply } from './whatsapp.outbox.ts';
import type { CustomerRow } from '../customers/index.ts';

type Cart = Extract<InboundMessage, { type: 'order' }>;

export async function cartToOrder(
  ctx: AppContext,
  tx: Tx,
  c: { merchantId: string; number: WhatsAppNumberRow; customer: CustomerRow; message: Cart; messageRowId: string },
): Promise<string> {
  const lines = c.message.order.items;
  const products = new Map(
    (
      await getProductsByRetailerIds(
        tx,
        c.merchantId,
        lines.map((l) => l.productRetailerId),
      )
    ).map((p) => [p.retailer_id, p]),
  );
  const unavailable: string[] = [];
  const notes: string[] = [];
  const items: { retailer_id: string; quantity: number }[] = [];
  for (const l of lines) {
    const p = products.get(l.productRetailerId);
    if (!p || !p.active || !l.quantity || l.quantity < 1) {
      unavailable.push(p?.name ?? l.productRetailerId);
      continue;
    }
    if (l.currency !== p.currency || (l.itemPrice !== null && l.itemPrice !== p.price)) {
      notes.push(
        `${p.name}: ${p.currency} ${formatMinor(p.price, p.currency)} (the catalog showed ${l.currency} ${l.itemPrice === null ? '?' : formatMinor(l.itemPrice, l.currency)})`,
      );
    }
    items.push({ retailer_id: p.retailer_id, quantity: l.quantity });
  }
  const currencies = new Set(items.map((i) => products.get(i.retailer_id)!.currency));
  if (items.length === 0 || currencies.size !== 1) {
    const why =
      items.length === 0
        ? `none of the items in your cart are available (${unavailable.join(', ')})`
        : 'the items in your cart are priced in different currencies';
    await reply(ctx, tx, c.merchantId, c.customer, `Sorry, we could not take this order: ${why}. Please check the catalog and try again.`);
    return 'cart refused';
  }
  const noteText = [
    notes.length ? `Prices of record: ${notes.join('; ')}.` : '',
    unavailable.length ? `Not available and left out: ${unavailable.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  // One physical product makes the order physical goods: its address is asked before the bill (whatsapp.address.ts).
  const physical = items.some((i) => products.get(i.retailer_id)!.goods_type === 'physical-goods');
  const r = await createOrder(ctx, tx, { source: 'whatsapp', id: c.customer.wa_id ?? c.customer.bsuid ?? c.customer.id }, c.merchantId, {
    customer: c.customer.id,
    currency: [...currencies][0]!,
    items,
    ...(physical ? { goods_type: 'physical-goods' as const, address_later: true } : {}),
    send: true,
    metadata: { source: 'whatsapp_cart', cart_wamid: c.message.id.slice(0, 500), ...(noteText ? { bill_note: noteText.slice(0, 500) } : {}) },
  });
  if (!r.ok) {
    await reply(ctx, tx, c.merchantId, c.customer, `Sorry, we could not take this order: ${r.error.message}`);
    return `cart refused: ${r.error.message}`;
  }
  await updateMessage(tx, c.messageRowId, { order_id: r.value.order.id }, ctx.clock.now());
  return `order ${r.value.order.id}`;
}
