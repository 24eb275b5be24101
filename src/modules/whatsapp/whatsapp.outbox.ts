// Outgoing WhatsApp messages. A message is queued (a row plus a send job) in the
// same transaction as the change that causes it, so a rolled-back change never
// messages anyone and a committed one always does. Sending happens in the job.
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { insertMessage, type MessageRow } from './whatsapp-messages.repository.ts';
import { getNumberByMerchant } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { getCustomer, learnCustomer, type CustomerRow } from '../customers/index.ts';
import { recordConversationMessage } from '../conversations/index.ts';
import { messagePreview } from './whatsapp.preview.ts';

export interface OutgoingMessage {
  merchantId: string;
  /** The customer (customers module): the send job addresses them by phone when known, else by BSUID. */
  customerId?: string;
  /** Instead of customerId: a phone number (the customer holding it, or a new one). */
  waId?: string;
  /** The Cloud API message type (text, interactive, template). */
  type: string;
  /** The request body; its `to`/`recipient` is replaced at send time by the customer's current address. */
  body: Record<string, unknown>;
  /** Sent as a template instead when the 24-hour window is closed (if configured). */
  fallback?: Record<string, unknown> | null;
  orderId?: string | null;
  paymentId?: string | null;
  /** Non-essential messages are not sent to customers who opted out. */
  essential?: boolean;
  /** What the message is, for the event log (bill, order_update, reply…). */
  purpose: string;
  /** Written by a person (POST /v1/messages): the conversation's automatic replies pause. */
  staff?: boolean;
  /** Who sent it (usr_… or key_…), for the conversation. */
  sentBy?: string | null;
  /** The upload it sends (POST /v1/uploads): the upload is kept while a message names it (docs/operations.md "Retention"). */
  uploadId?: string;
}

/** Queues a message in the caller's transaction; undefined when the merchant has no WhatsApp number. */
export async function queueMessage(ctx: AppContext, tx: Tx, m: OutgoingMessage): Promise<MessageRow | undefined> {
  const number = await getNumberByMerchant(tx, m.merchantId);
  if (!number) return undefined;
  const customer = m.customerId
    ? await getCustomer(tx, m.merchantId, m.customerId)
    : m.waId
      ? await learnCustomer(ctx, tx, m.merchantId, { waId: m.waId })
      : undefined;
  if (!customer) throw new Error(`queueMessage: no customer ${m.customerId ?? m.waId ?? '(none given)'}`);
  const id = newId('msg');
  const now = ctx.clock.now();
  const payload = {
    body: m.body,
    fallback: m.fallback ?? null,
    purpose: m.purpose,
    ...(m.sentBy ? { sent_by: m.sentBy } : {}),
    ...(m.uploadId ? { upload_id: m.uploadId } : {}),
  };
  const conversation = await recordConversationMessage(ctx, tx, {
    merchantId: m.merchantId,
    customerId: customer.id,
    message: { id, direction: 'out', type: m.type, preview: messagePreview({ direction: 'out', type: m.type, payload }), created_at: now.toISOString() },
    at: now,
    staff: m.staff ?? false,
  });
  if (m.staff) await ctx.inbound.staffReplied(ctx, tx, { merchantId: m.merchantId, conversationId: conversation.id, at: now });
  const row = await insertMessage(tx, {
    id,
    conversation_id: conversation.id,
    merchant_id: m.merchantId,
    phone_number_id: number.phone_number_id,
    customer_id: customer.id,
    wa_id: customer.wa_id,
    direction: 'out',
    wamid: null,
    type: m.type,
    payload,
    status: 'queued',
    order_id: m.orderId ?? null,
    payment_id: m.paymentId ?? null,
    essential: m.essential ?? true,
    now,
  });
  await enqueueJob(tx, {
    kind: 'whatsapp.send',
    merchantId: m.merchantId,
    payload: { message_id: row!.id },
    runAt: ctx.clock.now(),
    dedupeKey: `whatsapp.send:${row!.id}`,
    maxAttempts: 12,
  });
  return row;
}

/** A text answer to the customer (a reply to what they sent), cut to WhatsApp's 4,096 characters. */
export async function reply(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  to: Pick<CustomerRow, 'id' | 'wa_id' | 'bsuid'> | string,
  text: string,
  orderId: string | null = null,
) {
  const customer = typeof to === 'string' ? await learnCustomer(ctx, tx, merchantId, { waId: to }) : to;
  if (!customer) return;
  const built = textMessage({ ...addressOf(customer), body: text.slice(0, 4096) });
  if (built.ok)
    await queueMessage(ctx, tx, { merchantId, customerId: customer.id, type: 'text', body: built.value, orderId, purpose: 'reply', essential: true });
}
