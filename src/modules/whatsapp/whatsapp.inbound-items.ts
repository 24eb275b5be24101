// Applying one stored WhatsApp webhook item, inside the transaction whatsapp.inbound.ts opened
// for it: a delivery status, a customer's message (the customer learned, the conversation kept
// current, a cart, a button or a keyword answered), a system message, a payment configuration
// update, a template's status, a WhatsApp Pay status (a trigger for the lookup).
import type { InboundMessage, WebhookItem } from '../../adapters/whatsapp/webhook.schema.ts';
import { newId } from '../../domain/ids.ts';
import { messageTime } from '../../domain/message-time.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { answerCashOnDelivery, findPaymentByReference, getPayment } from '../orders/index.ts';
import { parseCodButton } from './whatsapp.compose.ts';
import { onAddressMessageFailed, onAddressReply } from './whatsapp.address.ts';
import { voiceOf } from './whatsapp.notify.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getMessage, getMessageByWamid, insertMessage, updateMessage } from './whatsapp-messages.repository.ts';
import { changeBsuid, changeNumber, customerSummary, learnCustomer, touchInbound, updateCustomer, type CustomerRow } from '../customers/index.ts';
import { recordConversationMessage } from '../conversations/index.ts';
import { lastMessageOf, messagePreview } from './whatsapp.preview.ts';
import { nextStatus, statusError } from './whatsapp.statuses.ts';
import { isMediaType, recordInboundMedia } from './whatsapp.media.ts';

import { getNumber, listNumbersByWaba, updateNumber } from './whatsapp-numbers.repository.ts';
import { applyTemplateStatus } from './whatsapp-templates.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { cartToOrder } from './whatsapp.cart.ts';
import { reply } from './whatsapp.outbox.ts';
import { isInertNumber } from './whatsapp.numbers.ts';

export type ItemResult = { status: 'processed' | 'unroutable' | 'ignored' | 'wait'; note?: string };

export async function applyItem(ctx: AppContext, tx: Tx, merchantId: string | null, item: WebhookItem, receivedAt?: Date): Promise<ItemResult> {
  if (item.kind === 'payment_configuration_update') return applyConfigurationUpdate(ctx, tx, item);
  if (item.kind === 'template_status') return onTemplateStatus(ctx, tx, item);
  if (item.kind === 'other' || item.kind === 'error') return { status: 'ignored', note: item.kind === 'other' ? item.reason : `error ${item.error.code}` };
  if (!merchantId || !item.phoneNumberId) return { status: 'unroutable', note: `no merchant has phone_number_id ${item.phoneNumberId ?? '(none)'}` };
  if (item.kind === 'status') return applyStatus(ctx, tx, merchantId, item.phoneNumberId, item);
  if (item.kind === 'payment_status') return onPaymentStatus(ctx, tx, merchantId, item);
  return applyMessage(ctx, tx, merchantId, item.phoneNumberId, item, receivedAt);
}

async function applyStatus(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  phoneNumberId: string,
  item: Extract<WebhookItem, { kind: 'status' }>,
): Promise<ItemResult> {
  const s = item.status;
  let m = await getMessageByWamid(tx, phoneNumberId, s.id, { forUpdate: true });
  // Sent, but our commit of the wamid was lost (a crash after Meta answered): biz_opaque_callback_data names our message.
  if (!m && s.bizOpaqueCallbackData?.startsWith('msg_')) {
    const byId = await getMessage(tx, s.bizOpaqueCallbackData, { forUpdate: true });
    if (byId && byId.merchant_id === merchantId && !byId.wamid) m = await updateMessage(tx, byId.id, { wamid: s.id }, ctx.clock.now());
  }
  if (!m) return { status: 'wait', note: `no message with wamid ${s.id}` };
  const next = nextStatus(m.status, s.status);
  if (!next) return { status: 'processed', note: `kept ${m.status} (got ${s.status})` };
  const error = statusError(s);
  await updateMessage(tx, m.id, { status: next, ...(error ? { error } : {}) }, ctx.clock.now());
  if (next === 'failed') {
    await recordEvent(
      ctx,
      tx,
      { source: 'whatsapp', id: phoneNumberId },
      {
        merchantId,
        orderId: m.order_id,
        type: 'message.failed',
        data: { message_id: m.id, wamid: s.id, purpose: m.payload['purpose'] ?? null, error: error ?? null },
      },
    );
    if (m.payload['purpose'] === 'address_request' && m.type === 'interactive') await onAddressMessageFailed(ctx, tx, m);
  }
  return { status: 'processed' };
}

async function applyMessage(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  phoneNumberId: string,
  item: Extract<WebhookItem, { kind: 'message' }>,
  receivedAt: Date | undefined,
): Promise<ItemResult> {
  const msg = item.message;
  const now = ctx.clock.now();
  if (msg.type === 'system') return applySystem(ctx, tx, merchantId, phoneNumberId, item, msg);
  // Who wrote: the BSUID is the identity, the phone an attribute (customers module).
  const customer = await learnCustomer(ctx, tx, merchantId, {
    bsuid: msg.fromUserId ?? item.contact?.userId,
    waId: msg.from ?? item.contact?.waId,
    username: item.contact?.username,
    profileName: item.contact?.name,
  });
  if (!customer) return { status: 'ignored', note: 'message without a sender (no wa_id, no user_id)' };
  // Meta's unix seconds, refined to the millisecond by when we received the body (two messages in one second keep their order).
  const sentAt = messageTime(msg.timestamp, receivedAt, now);
  // Media, a location and shared contacts keep WhatsApp's type (the parser has no shape of its own for them).
  const rawType = msg.type === 'other' && (isMediaType(msg.originalType) || ['location', 'contacts'].includes(msg.originalType)) ? msg.originalType : msg.type;
  const stored = await insertMessage(tx, {
    id: newId('msg'),
    merchant_id: merchantId,
    phone_number_id: phoneNumberId,
    customer_id: customer.id,
    wa_id: customer.wa_id,
    direction: 'in',
    wamid: msg.id,
    type: rawType,
    payload: item.raw as Record<string, unknown>,
    status: 'received',
    order_id: null,
    payment_id: null,
    essential: true,
    now,
  });
  if (!stored) return { status: 'processed', note: 'duplicate message' };
  await touchInbound(tx, merchantId, customer.id, sentAt, now);
  if (isMediaType(rawType))
    await recordInboundMedia(ctx, tx, { messageId: stored.id, merchantId, phoneNumberId, kind: rawType, raw: item.raw as Record<string, unknown> });
  const conversation = await recordConversationMessage(ctx, tx, { merchantId, customerId: customer.id, message: lastMessageOf(stored), at: sentAt });
  await updateMessage(tx, stored.id, { conversation_id: conversation.id }, now);
  await recordEvent(
    ctx,
    tx,
    { source: 'whatsapp', id: phoneNumberId },
    {
      merchantId,
      type: 'message.received',
      data: {
        message_id: stored.id,
        conversation_id: conversation.id,
        wamid: msg.id,
        type: msg.type,
        preview: messagePreview(stored),
        customer: customerSummary(customer),
      },
    },
  );
  const number = (await getNumber(tx, phoneNumberId))!;
  if (msg.type === 'text') {
    const word = msg.text.trim().toUpperCase();
    if (number.opt_out_words.map((w) => w.toUpperCase()).includes(word)) {
      await updateCustomer(tx, merchantId, customer.id, { opted_out_at: now }, now);
      await reply(
        ctx,
        tx,
        merchantId,
        customer,
        'You will no longer get promotional messages from us. Order and payment updates still arrive. Send START to undo.',
      );
      return { status: 'processed', note: 'opted out' };
    }
    if (word === 'START') {
      await updateCustomer(tx, merchantId, customer.id, { opted_out_at: null }, now);
      return { status: 'processed', note: 'opted in' };
    }
  }
  // A cash-on-delivery bill's Confirm / Cancel: a reply button inside the window, a template's quick reply outside it.
  const cod = parseCodButton(msg.type === 'button_reply' ? msg.reply.id : msg.type === 'button' ? msg.button.payload : undefined);
  if (cod) {
    const note = await answerCashOnDelivery(ctx, tx, { source: 'whatsapp', id: phoneNumberId }, merchantId, { ...cod, customerId: customer.id });
    return { status: 'processed', note };
  }
  const autoNote = await ctx.inbound.autoReply(ctx, tx, {
    merchantId,
    customerId: customer.id,
    conversationId: conversation.id,
    wamid: msg.id,
    type: msg.type === 'other' ? msg.originalType : msg.type,
    text: msg.type === 'text' ? msg.text : undefined,
  });
  if (autoNote && (msg.type === 'text' || msg.type === 'other')) return { status: 'processed', note: autoNote };
  if (msg.type === 'nfm_reply' && msg.nfm.name === 'address_message') {
    const note = await onAddressReply(ctx, tx, {
      merchantId,
      phoneNumberId,
      number,
      waId: customer.wa_id ?? '',
      contextWamid: msg.context?.id,
      responseJson: msg.nfm.responseJson,
      voice: () => voiceOf(tx, merchantId),
      payment: async (o) => (o.current_payment_id ? getPayment(tx, merchantId, o.current_payment_id) : undefined),
    });
    return { status: 'processed', note };
  }
  if (msg.type === 'nfm_reply') {
    const r = await ctx.inbound.flowReply(ctx, tx, {
      merchantId,
      phoneNumberId,
      customerId: customer.id,
      waId: customer.wa_id,
      wamid: msg.id,
      responseJson: msg.nfm.responseJson,
      flowToken: msg.nfm.flowToken,
    });
    if (r.reply) await reply(ctx, tx, merchantId, customer, r.reply);
    return { status: 'processed', note: r.note };
  }
  if (msg.type === 'order') {
    const r = await cartToOrder(ctx, tx, { merchantId, number, customer, message: msg, messageRowId: stored.id });
    return { status: 'processed', note: r };
  }
  return { status: 'processed' };
}

/** System messages: a customer's new number (user_changed_number) or new BSUID (user_changed_user_id), kept with history. */
async function applySystem(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  phoneNumberId: string,
  item: Extract<WebhookItem, { kind: 'message' }>,
  msg: Extract<InboundMessage, { type: 'system' }>,
): Promise<ItemResult> {
  const from = { bsuid: msg.fromUserId ?? item.contact?.userId, waId: msg.from ?? item.contact?.waId };
  const s = msg.system;
  let customer: CustomerRow | undefined;
  if (s.type === 'user_changed_number' && s.waId) customer = await changeNumber(ctx, tx, merchantId, from, s.waId);
  else if (s.type === 'user_changed_user_id' && s.userId) customer = await changeBsuid(ctx, tx, merchantId, from, s.userId);
  else return { status: 'ignored', note: `system message ${s.type ?? '(no type)'}` };
  if (customer) {
    await insertMessage(tx, {
      id: newId('msg'),
      merchant_id: merchantId,
      phone_number_id: phoneNumberId,
      customer_id: customer.id,
      wa_id: customer.wa_id,
      direction: 'in',
      wamid: msg.id,
      type: 'system',
      payload: item.raw as Record<string, unknown>,
      status: 'received',
      order_id: null,
      payment_id: null,
      essential: true,
      now: ctx.clock.now(),
    });
  }
  return { status: 'processed', note: `${s.type}: ${customer?.id ?? 'no customer'}` };
}

async function applyConfigurationUpdate(ctx: AppContext, tx: Tx, item: Extract<WebhookItem, { kind: 'payment_configuration_update' }>): Promise<ItemResult> {
  const u = item.update;
  const numbers = (item.entryId ? await listNumbersByWaba(tx, item.entryId) : []).filter((n) => !isInertNumber(ctx, n));
  if (numbers.length === 0) return { status: 'unroutable', note: `no number of WABA ${item.entryId ?? '(none)'}` };
  for (const n of numbers) {
    const others = n.payment_configurations.filter((c) => c.name !== u.configuration_name);
    const prev = n.payment_configurations.find((c) => c.name === u.configuration_name);
    await updateNumber(
      tx,
      n.merchant_id,
      { payment_configurations: [...others, { ...prev, name: u.configuration_name, provider: u.provider_name ?? prev?.provider, status: u.status }] },
      ctx.clock.now(),
    );
    await recordEvent(
      ctx,
      tx,
      { source: 'whatsapp', id: n.phone_number_id },
      {
        merchantId: n.merchant_id,
        type: u.status === 'Active' ? 'whatsapp.payment_configuration_updated' : 'whatsapp.payment_configuration_inactive',
        data: {
          configuration_name: u.configuration_name,
          provider: u.provider_name ?? null,
          status: u.status ?? null,
          warning: u.status === 'Active' ? null : 'This payment configuration can no longer take payments',
        },
        previous: prev ? { status: prev.status ?? null } : null,
      },
    );
  }
  return { status: 'processed' };
}

/**
 * message_template_status_update: the stored template of every merchant with a number of
 * that WABA takes the new status (unless a newer one is stored: entry.time orders them).
 */
async function onTemplateStatus(ctx: AppContext, tx: Tx, item: Extract<WebhookItem, { kind: 'template_status' }>): Promise<ItemResult> {
  const u = item.update;
  const wabaId = item.entryId;
  const numbers = (wabaId ? await listNumbersByWaba(tx, wabaId) : []).filter((n) => !isInertNumber(ctx, n));
  if (!wabaId || numbers.length === 0) return { status: 'unroutable', note: `no number of WABA ${wabaId ?? '(none)'}` };
  const now = ctx.clock.now();
  // entry.time orders the updates; one from the future (a forged or broken clock) counts as now.
  const sent = item.entryTime !== undefined && Number.isFinite(item.entryTime) && item.entryTime > 0 ? item.entryTime * 1000 : NaN;
  const at = Number.isNaN(sent) || sent > now.getTime() + 3600_000 ? now : new Date(sent);
  const notes: string[] = [];
  for (const merchantId of new Set(numbers.map((n) => n.merchant_id))) {
    const r = await applyTemplateStatus(tx, {
      merchantId,
      wabaId,
      name: u.message_template_name,
      language: u.message_template_language,
      templateId: u.message_template_id ?? null,
      status: u.event.toUpperCase(),
      category: u.message_template_category?.toUpperCase() ?? null,
      reason: u.reason && u.reason !== 'NONE' ? u.reason : null,
      at,
      now,
    });
    notes.push(
      r.changed ? `${u.message_template_name}/${u.message_template_language}: ${r.previous ?? 'new'} -> ${u.event}` : `${u.message_template_name}: unchanged`,
    );
  }
  return { status: 'processed', note: notes.join('; ').slice(0, 500) };
}

/** Meta's payment status is only a trigger: the lookup it schedules is what verifies. */
async function onPaymentStatus(ctx: AppContext, tx: Tx, merchantId: string, item: Extract<WebhookItem, { kind: 'payment_status' }>): Promise<ItemResult> {
  const ref = item.payment.payment.reference_id;
  const attempt = await findPaymentByReference(tx, merchantId, ref);
  if (!attempt) return { status: 'unroutable', note: `no bill with reference ${ref}` };
  await enqueueJob(tx, {
    kind: 'payment.lookup',
    merchantId,
    payload: { payment_id: attempt.id },
    runAt: ctx.clock.now(),
    dedupeKey: `payment.lookup:${item.dedupeKey}`,
  });
  return { status: 'processed', note: `lookup of ${attempt.id}` };
}
