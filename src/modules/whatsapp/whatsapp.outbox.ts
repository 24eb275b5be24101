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

export interface OutgoingMessage {
  merchantId: string;
  waId: string;
  /** The Cloud API message type (text, interactive, template). */
  type: string;
  /** The request body without `to`/`messaging_product`: filled in at send time. */
  body: Record<string, unknown>;
  /** Sent as a template instead when the 24-hour window is closed (if configured). */
  fallback?: Record<string, unknown> | null;
  orderId?: string | null;
  paymentId?: string | null;
  /** Non-essential messages are not sent to customers who opted out. */
  essential?: boolean;
  /** What the message is, for the event log (bill, order_update, reply…). */
  purpose: string;
}

/** Queues a message in the caller's transaction; undefined when the merchant has no WhatsApp number. */
export async function queueMessage(ctx: AppContext, tx: Tx, m: OutgoingMessage): Promise<MessageRow | undefined> {
  const number = await getNumberByMerchant(tx, m.merchantId);
  if (!number) return undefined;
  const row = await insertMessage(tx, {
    id: newId('msg'),
    merchant_id: m.merchantId,
    phone_number_id: number.phone_number_id,
    wa_id: m.waId,
    direction: 'out',
    wamid: null,
    type: m.type,
    payload: { body: m.body, fallback: m.fallback ?? null, purpose: m.purpose },
    status: 'queued',
    order_id: m.orderId ?? null,
    payment_id: m.paymentId ?? null,
    essential: m.essential ?? true,
    now: ctx.clock.now(),
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
export async function reply(ctx: AppContext, tx: Tx, merchantId: string, waId: string, text: string, orderId: string | null = null) {
  const built = textMessage({ to: waId, body: text.slice(0, 4096) });
  if (built.ok) await queueMessage(ctx, tx, { merchantId, waId, type: 'text', body: built.value, orderId, purpose: 'reply', essential: true });
}
