// Delivery addresses for physical-goods carts. In India, WhatsApp's address message asks
// for it in the chat before the bill (an order_details bill of physical goods carries the
// address); the customer's answer (an nfm_reply named address_message) is checked, and
// either stored on the order, which sends the bill, or refused with the form sent again,
// prefilled and with WhatsApp's per-field validation_errors. Where the address message
// does not exist (outside India), a payment link's page asks for it instead, and other
// bills ask in words: the shop sets what the customer writes with
// POST /v1/orders/{id}/shipping-address, which sends the bill.
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { addressMessage, textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { addressLine, fromWhatsAppAddress, whatsAppValues } from '../../domain/address.ts';
import { formatMoney } from '../../domain/display.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { addShippingAddress, awaitsAddress, findOrderAwaitingAddress, getOrder, type OrderRow, type PaymentRow } from '../orders/index.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getMessageByWamid } from './whatsapp-messages.repository.ts';
import type { WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { Voice } from './whatsapp.compose.ts';
import { queueMessage, reply } from './whatsapp.outbox.ts';

/**
 * Meta's address message is for businesses in India and their customers in India (its guide,
 * July 2026): an Indian number (+91) on both sides. Sandbox numbers (+1 555…) stand in for an
 * Indian business, so the sandbox phone's Indian customer gets the form.
 */
export function addressMessageAvailable(n: Pick<WhatsAppNumberRow, 'sandbox' | 'display_phone_number'>, waId: string): boolean {
  const business = n.sandbox || (n.display_phone_number ?? '').replace(/\D/g, '').startsWith('91');
  return business && waId.startsWith('91');
}

/** Does this bill wait for the address? A cart's always (asked in the chat); an API payment link's is asked on its page. */
export const billWaitsForAddress = (o: OrderRow, p: PaymentRow) =>
  awaitsAddress(o) && (o.metadata['source'] === 'whatsapp_cart' || p.method !== 'payment_link');

const itemsText = (o: OrderRow) =>
  o.items
    .slice(0, 5)
    .map((i) => `${i.quantity} × ${i.name}`)
    .join(', ') + (o.items.length > 5 ? ` and ${o.items.length - 5} more` : '');

/**
 * Asks for the address instead of sending the bill: the form in India, words elsewhere
 * (a payment link goes out anyway: its page asks). Returns true when the bill must wait.
 */
export async function askForAddress(
  ctx: AppContext,
  tx: Tx,
  o: OrderRow,
  p: PaymentRow,
  n: WhatsAppNumberRow,
  v: Voice,
  retry?: { values: Record<string, string>; errors: Record<string, string> },
  opts: { textOnly?: boolean } = {},
): Promise<boolean> {
  const total = formatMoney(o.total, o.currency, v.locale);
  if (!opts.textOnly && addressMessageAvailable(n, o.customer_wa_id ?? '')) {
    const body = retry
      ? `Please check your delivery address for order ${p.reference_id}: ${Object.values(retry.errors)[0] ?? 'some details are missing'}.`
      : `Thank you for your order ${p.reference_id}: ${itemsText(o)}. Where should we deliver it? Share your address and the bill for ${total} follows.`;
    const built = addressMessage({
      ...(addressOf({ wa_id: o.customer_wa_id, bsuid: o.customer_bsuid }) ?? { to: null }),
      body: body.slice(0, 1024),
      footer: v.businessName.slice(0, 60),
      country: 'IN',
      values: retry?.values ?? {
        ...(o.customer_name ? { name: o.customer_name.slice(0, 200) } : {}),
        ...(o.customer_wa_id ? { phone_number: `+${o.customer_wa_id}` } : {}),
      },
      ...(retry ? { validationErrors: retry.errors } : {}),
    });
    if (built.ok) {
      await queueMessage(ctx, tx, {
        merchantId: o.merchant_id,
        ...(o.customer_id ? { customerId: o.customer_id } : { waId: o.customer_wa_id ?? '' }),
        type: 'interactive',
        body: built.value,
        orderId: o.id,
        paymentId: p.id,
        purpose: 'address_request',
        essential: true,
      });
      return true;
    }
  }
  if (p.method === 'payment_link') return false;
  const built = textMessage({
    ...(addressOf({ wa_id: o.customer_wa_id, bsuid: o.customer_bsuid }) ?? { to: null }),
    body: `Thank you for your order ${p.reference_id}: ${itemsText(o)} (${total}). Where should we deliver it? Please reply with your full address: name, street and number, city, postal code and country. We send the bill once we have it.`,
  });
  if (built.ok) {
    await queueMessage(ctx, tx, {
      merchantId: o.merchant_id,
      ...(o.customer_id ? { customerId: o.customer_id } : { waId: o.customer_wa_id ?? '' }),
      type: 'text',
      body: built.value,
      orderId: o.id,
      paymentId: p.id,
      purpose: 'address_request',
      essential: true,
    });
  }
  return true;
}

/**
 * The address message did not reach the customer (e.g. Meta's 1026, a WhatsApp client without
 * the form, or any failed status): the bill job runs again without the form, so a payment link
 * goes out (its page asks) and other bills ask in words. Once per bill.
 */
export async function onAddressMessageFailed(ctx: AppContext, tx: Tx, m: { merchant_id: string; order_id: string | null; payment_id: string | null }) {
  if (!m.order_id || !m.payment_id) return;
  await enqueueJob(tx, {
    kind: 'bill.send',
    merchantId: m.merchant_id,
    payload: { order_id: m.order_id, payment_id: m.payment_id, no_address_message: true },
    runAt: ctx.clock.now(),
    dedupeKey: `bill.send:${m.payment_id}:no-address-message`,
  });
}

/** The order an address message answers: the one the form was sent for (context), else the customer's latest waiting one. */
async function orderAnswered(tx: Tx, merchantId: string, phoneNumberId: string, waId: string, contextWamid: string | undefined): Promise<OrderRow | undefined> {
  if (contextWamid) {
    const asked = await getMessageByWamid(tx, phoneNumberId, contextWamid);
    if (asked?.merchant_id === merchantId && asked.wa_id === waId && asked.order_id) return getOrder(tx, merchantId, asked.order_id);
  }
  return findOrderAwaitingAddress(tx, merchantId, waId);
}

export async function onAddressReply(
  ctx: AppContext,
  tx: Tx,
  m: {
    merchantId: string;
    phoneNumberId: string;
    number: WhatsAppNumberRow;
    waId: string;
    contextWamid?: string | undefined;
    responseJson: Record<string, unknown> | null;
    voice: () => Promise<Voice>;
    payment: (o: OrderRow) => Promise<PaymentRow | undefined>;
  },
): Promise<string> {
  const order = await orderAnswered(tx, m.merchantId, m.phoneNumberId, m.waId, m.contextWamid);
  if (!order || !awaitsAddress(order)) {
    await reply(ctx, tx, m.merchantId, m.waId, 'Thank you. We have no order waiting for a delivery address right now.', order?.id ?? null);
    return order ? `address for ${order.id} ignored: it does not wait for one` : 'address with no order waiting for one';
  }
  const rawValues = m.responseJson?.['values'];
  const values = rawValues && typeof rawValues === 'object' && !Array.isArray(rawValues) ? (rawValues as Record<string, unknown>) : {};
  const checked = fromWhatsAppAddress(values);
  const payment = await m.payment(order);
  if (!checked.ok) {
    if (payment) await askForAddress(ctx, tx, order, payment, m.number, await m.voice(), { values: whatsAppValues(values), errors: checked.error });
    return `address for ${order.id} refused: ${Object.entries(checked.error)
      .map(([k, e]) => `${k}: ${e}`)
      .join('; ')}`.slice(0, 300);
  }
  const r = await addShippingAddress(ctx, tx, { source: 'whatsapp', id: m.waId }, m.merchantId, order.id, checked.value, {
    via: 'address_message',
    sendBill: true,
  });
  if (!r.ok) return `address for ${order.id} not stored: ${r.error.message}`;
  await reply(ctx, tx, m.merchantId, m.waId, `Thank you! We will deliver to: ${addressLine(checked.value)}.`, order.id);
  return `address stored on ${order.id}`;
}
