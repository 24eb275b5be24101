// Processing a stored webhook body: split it into items (every entry and change of
// a batch), store each under its natural key (a redelivered item is skipped), then
// apply each in its own transaction. A status for a message whose send has not
// committed yet waits for a retry of this job.
import { extractItems, type WebhookItem } from '../../adapters/whatsapp/webhook.schema.ts';
import { newId } from '../../domain/ids.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { findPaymentByReference } from '../orders/index.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getMessage, getMessageByWamid, insertMessage, setOptOut, touchContact, updateMessage, type MessageRow } from './whatsapp-messages.repository.ts';
import { getInboxRow, insertItems, lockItem, markInboxRow, markItem, pendingItems } from './whatsapp-inbox.repository.ts';
import { getNumber, listNumbersByWaba, updateNumber } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { cartToOrder } from './whatsapp.cart.ts';
import { reply } from './whatsapp.outbox.ts';
import { isInertNumber } from './whatsapp.numbers.ts';

/** After this many tries a status still without its message is set aside as unroutable. */
export const STATUS_WAIT_ATTEMPTS = 6;

const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };

/** Delivery statuses only move forward; `failed` ends a message that was not yet delivered. */
export function nextStatus(current: MessageRow['status'], incoming: string): MessageRow['status'] | null {
  if (incoming === 'failed') return current === 'delivered' || current === 'read' || current === 'failed' ? null : 'failed';
  const r = RANK[incoming];
  if (r === undefined || current === 'failed' || current === 'skipped') return null;
  return r > (RANK[current] ?? -1) ? (incoming as MessageRow['status']) : null;
}

export async function processInbox(ctx: AppContext, inboxId: string, attempt: number): Promise<void> {
  const row = await getInboxRow(ctx.db, inboxId);
  if (!row || row.status === 'processed') return;
  const items = extractItems(JSON.parse(row.body));
  const now = ctx.clock.now();
  const merchants = new Map<string, string | null>();
  // Sandbox numbers in live mode: their items are kept, routed to no merchant.
  const inert = new Set<string>();
  for (const it of items) {
    const pnid = 'phoneNumberId' in it ? it.phoneNumberId : undefined;
    if (!pnid || merchants.has(pnid)) continue;
    const number = await getNumber(ctx.db, pnid);
    if (number && isInertNumber(ctx, number)) inert.add(pnid);
    merchants.set(pnid, number && !inert.has(pnid) ? number.merchant_id : null);
  }
  await insertItems(
    ctx.db,
    items.map((it) => {
      const pnid = ('phoneNumberId' in it ? it.phoneNumberId : undefined) ?? null;
      return { dedupeKey: it.dedupeKey, inboxId, phoneNumberId: pnid, merchantId: pnid ? (merchants.get(pnid) ?? null) : null, kind: it.kind, item: it, now };
    }),
  );
  let waiting = 0;
  for (const pending of await pendingItems(ctx.db, inboxId)) {
    const outcome = await inTransaction(ctx, async (tx) => {
      const locked = await lockItem(tx, pending.dedupe_key);
      if (!locked || locked.status !== 'received') return 'done';
      const item = locked.item as unknown as WebhookItem;
      const r =
        locked.phone_number_id && inert.has(locked.phone_number_id)
          ? ({ status: 'unroutable', note: `phone_number_id ${locked.phone_number_id} is a sandbox number, inert in live mode` } as const)
          : await applyItem(ctx, tx, locked.merchant_id, item);
      if (r.status === 'wait' && attempt < STATUS_WAIT_ATTEMPTS) return 'wait';
      await markItem(tx, locked.dedupe_key, r.status === 'wait' ? 'unroutable' : r.status, r.note ?? null, ctx.clock.now());
      return 'done';
    });
    if (outcome === 'wait') waiting++;
  }
  if (waiting > 0) throw new Error(`${waiting} status update(s) wait for their message to be recorded`);
  await markInboxRow(ctx.db, inboxId, 'processed', `${items.length} item(s)`, ctx.clock.now());
}

type ItemResult = { status: 'processed' | 'unroutable' | 'ignored' | 'wait'; note?: string };

async function applyItem(ctx: AppContext, tx: Tx, merchantId: string | null, item: WebhookItem): Promise<ItemResult> {
  if (item.kind === 'payment_configuration_update') return applyConfigurationUpdate(ctx, tx, item);
  if (item.kind === 'other' || item.kind === 'error') return { status: 'ignored', note: item.kind === 'other' ? item.reason : `error ${item.error.code}` };
  if (!merchantId || !item.phoneNumberId) return { status: 'unroutable', note: `no merchant has phone_number_id ${item.phoneNumberId ?? '(none)'}` };
  if (item.kind === 'status') return applyStatus(ctx, tx, merchantId, item.phoneNumberId, item);
  if (item.kind === 'payment_status') return onPaymentStatus(ctx, tx, merchantId, item);
  return applyMessage(ctx, tx, merchantId, item.phoneNumberId, item);
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
  const e = s.errors[0];
  const error = e
    ? { code: e.code, title: e.title ?? 'error', ...(e.message ? { message: e.message } : {}), ...(e.details ? { details: e.details } : {}) }
    : undefined;
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
  }
  return { status: 'processed' };
}

async function applyMessage(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  phoneNumberId: string,
  item: Extract<WebhookItem, { kind: 'message' }>,
): Promise<ItemResult> {
  const msg = item.message;
  const waId = item.contact?.waId ?? msg.from;
  if (!waId) return { status: 'ignored', note: 'message without a sender wa_id' };
  const now = ctx.clock.now();
  const sentAt = new Date(Number(msg.timestamp) * 1000 || now.getTime());
  const stored = await insertMessage(tx, {
    id: newId('msg'),
    merchant_id: merchantId,
    phone_number_id: phoneNumberId,
    wa_id: waId,
    direction: 'in',
    wamid: msg.id,
    type: msg.type,
    payload: item.raw as Record<string, unknown>,
    status: 'received',
    order_id: null,
    payment_id: null,
    essential: true,
    now,
  });
  if (!stored) return { status: 'processed', note: 'duplicate message' };
  await touchContact(tx, { merchantId, waId, name: item.contact?.name ?? null, inboundAt: sentAt > now ? now : sentAt, now });
  const number = (await getNumber(tx, phoneNumberId))!;
  if (msg.type === 'text') {
    const word = msg.text.trim().toUpperCase();
    if (number.opt_out_words.map((w) => w.toUpperCase()).includes(word)) {
      await setOptOut(tx, merchantId, waId, true, now);
      await reply(
        ctx,
        tx,
        merchantId,
        waId,
        'You will no longer get promotional messages from us. Order and payment updates still arrive. Send START to undo.',
      );
      return { status: 'processed', note: 'opted out' };
    }
    if (word === 'START') {
      await setOptOut(tx, merchantId, waId, false, now);
      return { status: 'processed', note: 'opted in' };
    }
    const flowNote = await ctx.inbound.keyword(ctx, tx, merchantId, waId, msg.text);
    if (flowNote) return { status: 'processed', note: flowNote };
  }
  if (msg.type === 'nfm_reply') {
    const r = await ctx.inbound.flowReply(ctx, tx, {
      merchantId,
      phoneNumberId,
      waId,
      wamid: msg.id,
      responseJson: msg.nfm.responseJson,
      flowToken: msg.nfm.flowToken,
    });
    if (r.reply) await reply(ctx, tx, merchantId, waId, r.reply);
    return { status: 'processed', note: r.note };
  }
  if (msg.type === 'order') {
    const r = await cartToOrder(ctx, tx, { merchantId, number, waId, name: item.contact?.name ?? null, message: msg, messageRowId: stored.id });
    return { status: 'processed', note: r };
  }
  return { status: 'processed' };
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
