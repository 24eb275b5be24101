// Turning order changes into customer messages: the bill, and every later update
// (paid, shipped, expired, refunded…). Each runs as a job, queues the message in a
// transaction, and the send job delivers it. A message our builders refuse (a rule
// Meta would enforce) is recorded as failed with the reason, never sent broken.
import { newId } from '../../domain/ids.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getBusinessSettings, getMerchant } from '../merchants/index.ts';
import { getOrder } from '../orders/index.ts';
import { ensureCheckoutObject } from '../payments/index.ts';
import { getPayment } from '../orders/index.ts';
import { insertMessage, updateMessage } from './whatsapp-messages.repository.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { composeBill, composeUpdate, type OrderUpdate, type Voice } from './whatsapp.compose.ts';
import { queueMessage } from './whatsapp.outbox.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { domainError } from '../../domain/errors.ts';
import type { MessageRow } from './whatsapp-messages.repository.ts';
import { askForAddress, billWaitsForAddress } from './whatsapp.address.ts';

const payUrl = (ctx: AppContext, token: string | null) => (token ? `${ctx.publicUrl}/pay/${token}` : null);

async function queueBuilt(
  ctx: AppContext,
  tx: Tx,
  n: WhatsAppNumberRow,
  m: {
    orderId: string;
    paymentId: string | null;
    customerId: string | null;
    waId: string | null;
    purpose: string;
    essential: boolean;
    staff?: boolean;
    sentBy?: string | null;
  },
  built: { main: Result<Record<string, unknown>>; fallback: Result<Record<string, unknown>> | null },
): Promise<MessageRow | undefined> {
  if (!built.main.ok) {
    // Recorded, visible in the conversation and the order's timeline, and not sent.
    const now = ctx.clock.now();
    const row = await insertMessage(tx, {
      id: newId('msg'),
      merchant_id: n.merchant_id,
      phone_number_id: n.phone_number_id,
      customer_id: m.customerId,
      wa_id: m.waId,
      direction: 'out',
      wamid: null,
      type: 'interactive',
      payload: { purpose: m.purpose },
      status: 'failed',
      order_id: m.orderId,
      payment_id: m.paymentId,
      essential: m.essential,
      now,
    });
    const error = { code: 'refused', title: built.main.error.message, details: JSON.stringify(built.main.error.details ?? null) };
    await updateMessage(tx, row!.id, { error }, now);
    await recordEvent(
      ctx,
      tx,
      { source: 'job', id: 'whatsapp' },
      { merchantId: n.merchant_id, orderId: m.orderId, type: 'message.failed', data: { message_id: row!.id, purpose: m.purpose, error } },
    );
    return row;
  }
  const body = built.main.value;
  if (!m.customerId) return undefined;
  return queueMessage(ctx, tx, {
    merchantId: n.merchant_id,
    customerId: m.customerId,
    type: String(body['type']),
    body,
    fallback: built.fallback?.ok ? built.fallback.value : null,
    orderId: m.orderId,
    paymentId: m.paymentId,
    essential: m.essential,
    purpose: m.purpose,
    ...(m.staff ? { staff: true, sentBy: m.sentBy ?? null } : {}),
  });
}

/**
 * POST /v1/messages with type order_bill: the order's current bill, composed as the bill job
 * does, queued in the caller's transaction. A bill our builders refuse is a 400, nothing queued.
 */
export async function queueBillMessage(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  orderId: string,
  customerId: string,
  o: { staff: boolean; sentBy: string | null; windowOpen: boolean },
): Promise<Result<MessageRow>> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  if (!order) return err(domainError('not_found', `No order ${orderId}`, { path: 'order_bill.order_id' }));
  if (order.customer_id !== customerId) return err(domainError('conflict', `Order ${orderId} is another customer's`, { path: 'order_bill.order_id' }));
  const payment = order.current_payment_id ? await getPayment(tx, merchantId, order.current_payment_id) : undefined;
  if (!payment || payment.status !== 'created') return err(domainError('conflict', `Order ${orderId} has no open bill to send`));
  // A UPI-intent bill needs the provider's intent first (a call outside any transaction): the bill job makes it.
  if (payment.method === 'whatsapp_upi' && !payment.provider_object_id)
    return err(domainError('conflict', 'This UPI bill is not ready yet: it is sent by the bill job once the intent exists'));
  const number = await getNumberByMerchant(tx, merchantId);
  if (!number) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  const built = composeBill(order, payment, number, payUrl(ctx, payment.pay_token), ctx.clock.now(), await voiceOf(tx, merchantId));
  if (!built.main.ok) return built.main;
  if (!o.windowOpen && !built.fallback?.ok)
    return err(
      domainError('window_closed', 'More than 24 hours since the customer last wrote, and no bill template is configured for this number', {
        templates: [],
      }),
    );
  const row = await queueBuilt(
    ctx,
    tx,
    number,
    { orderId, paymentId: payment.id, customerId, waId: order.customer_wa_id, purpose: 'bill', essential: true, staff: o.staff, sentBy: o.sentBy },
    built,
  );
  return row ? ok(row) : err(domainError('conflict', 'This merchant has no WhatsApp number'));
}

/** The business's name, locale and time zone: what its customers' messages are written in. */
export async function voiceOf(q: Queryable, merchantId: string): Promise<Voice> {
  const b = await getBusinessSettings(q, merchantId);
  return { businessName: b.name, locale: b.locale, timeZone: b.time_zone };
}

export async function sendBill(
  ctx: AppContext,
  merchantId: string,
  orderId: string,
  paymentId: string,
  opts: { noAddressMessage?: boolean } = {},
): Promise<void> {
  // A UPI-intent bill needs the provider's intent first: its `tr` is the bill's reference.
  const first = await getPayment(ctx.db, merchantId, paymentId);
  const order0 = await getOrder(ctx.db, merchantId, orderId);
  if (first?.method === 'whatsapp_upi' && first.status === 'created' && order0) {
    const merchant = (await getMerchant(ctx.db, merchantId))!;
    const r = await ensureCheckoutObject(ctx, first, order0, merchant.name, { upi: true });
    if (!r.ok) throw new Error(`UPI intent: ${r.error.message}`);
  }
  await inTransaction(ctx, async (tx) => {
    const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
    const payment = await getPayment(tx, merchantId, paymentId);
    const number = await getNumberByMerchant(tx, merchantId);
    // A superseded or already-settled bill is not sent; no number, no WhatsApp.
    if (!order || !payment || !number || payment.status !== 'created' || order.current_payment_id !== payment.id) return;
    // A guest (a checkout link's payer) has no WhatsApp identity: the page is their bill.
    if (!order.customer_wa_id && !order.customer_bsuid) return;
    const voice = await voiceOf(tx, merchantId);
    // Physical goods without an address: the address first (the bill follows the answer).
    if (billWaitsForAddress(order, payment) && (await askForAddress(ctx, tx, order, payment, number, voice, undefined, { textOnly: opts.noAddressMessage }))) {
      return;
    }
    const built = composeBill(order, payment, number, payUrl(ctx, payment.pay_token), ctx.clock.now(), voice);
    await queueBuilt(
      ctx,
      tx,
      number,
      { orderId, paymentId, customerId: order.customer_id, waId: order.customer_wa_id, purpose: 'bill', essential: true },
      built,
    );
  });
}

export async function sendOrderUpdate(ctx: AppContext, merchantId: string, orderId: string, u: OrderUpdate): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
    const number = await getNumberByMerchant(tx, merchantId);
    if (!order || !number) return;
    // A guest (a checkout link's payer) has no WhatsApp identity: nothing to send to (docs/checkout-links.md).
    if (!order.customer_wa_id && !order.customer_bsuid) return;
    const payment = order.current_payment_id ? await getPayment(tx, merchantId, order.current_payment_id) : undefined;
    if (!payment) return;
    const built = composeUpdate(order, payment, number, u, payUrl(ctx, payment.pay_token), await voiceOf(tx, merchantId));
    if (!built) return;
    await queueBuilt(
      ctx,
      tx,
      number,
      { orderId, paymentId: payment.id, customerId: order.customer_id, waId: order.customer_wa_id, purpose: `update:${u.update}`, essential: true },
      built,
    );
  });
}

/**
 * The receipt of a paid order to a number the payer typed and asked to be told at (a checkout
 * link's opt-in): the "paid" update, as text inside that number's 24-hour window and as the
 * order-update template (a utility template) outside it. The number is unverified, so the
 * message is not essential: a number that opted out gets nothing. The order stays the guest's.
 */
export async function queueOrderReceipt(ctx: AppContext, tx: Tx, merchantId: string, orderId: string, waId: string): Promise<MessageRow | undefined> {
  const order = await getOrder(tx, merchantId, orderId, { forUpdate: true });
  const number = await getNumberByMerchant(tx, merchantId);
  if (!order || !number || !['paid', 'partially_refunded'].includes(order.payment_status)) return undefined;
  const payment = order.current_payment_id ? await getPayment(tx, merchantId, order.current_payment_id) : undefined;
  if (!payment) return undefined;
  const addressed = { ...order, customer_wa_id: waId, customer_bsuid: null };
  const built = composeUpdate(addressed, payment, number, { update: 'paid', status: order.status, description: null }, null, await voiceOf(tx, merchantId));
  if (!built?.main.ok) return undefined;
  return queueMessage(ctx, tx, {
    merchantId,
    waId,
    type: String(built.main.value['type']),
    body: built.main.value,
    fallback: built.fallback?.ok ? built.fallback.value : null,
    orderId,
    paymentId: payment.id,
    essential: false,
    purpose: 'receipt',
  });
}
