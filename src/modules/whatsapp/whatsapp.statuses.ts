// Delivery statuses (sent, delivered, read, failed) in bulk. They are most of what WhatsApp
// sends (a broadcast of 1,000 messages brings back about 3,000), so a job's statuses are
// applied together: one statement locks their items, one their messages, one writes the new
// statuses, one marks the items — instead of five round trips and a commit per status. The
// result is the one the item-by-item path gives: statuses only move forward, applied in the
// order the items were stored.
import type { WebhookItem } from '../../adapters/whatsapp/webhook.schema.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { noteMessageStatus } from './whatsapp.stream.ts';
import { onAddressMessageFailed } from './whatsapp.address.ts';
import { lockReceivedItems, markItems, type ItemRow } from './whatsapp-inbox.repository.ts';
import { lockMessagesByWamids, setMessageStatuses, type MessageRow } from './whatsapp-messages.repository.ts';

type StatusItem = Extract<WebhookItem, { kind: 'status' }>;

const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };

/** Delivery statuses only move forward; `failed` ends a message that was not yet delivered. */
export function nextStatus(current: MessageRow['status'], incoming: string): MessageRow['status'] | null {
  if (incoming === 'failed') return current === 'delivered' || current === 'read' || current === 'failed' ? null : 'failed';
  const r = RANK[incoming];
  if (r === undefined || current === 'failed' || current === 'skipped') return null;
  return r > (RANK[current] ?? -1) ? (incoming as MessageRow['status']) : null;
}

/** Meta's first error of a status, as stored on the message. */
export function statusError(s: StatusItem['status']): MessageRow['error'] | undefined {
  const e = s.errors[0];
  return e
    ? { code: e.code, title: e.title ?? 'error', ...(e.message ? { message: e.message } : {}), ...(e.details ? { details: e.details } : {}) }
    : undefined;
}

export interface StatusBatchOutcome {
  /** Items for the one-by-one path: their message is not found by wamid but biz_opaque_callback_data names one. */
  slow: ItemRow[];
  /** Items whose message is not recorded yet (its send has not committed): the job is retried for them. */
  waiting: ItemRow[];
}

/**
 * Applies the status items of a job in one transaction. An item another worker holds is
 * skipped (that worker applies it). After `waitAttempts` tries, a status whose message never
 * appeared is set aside as unroutable, as on the one-by-one path.
 */
export async function applyStatusBatch(ctx: AppContext, items: ItemRow[], attempt: number, waitAttempts: number): Promise<StatusBatchOutcome> {
  if (items.length === 0) return { slow: [], waiting: [] };
  return inTransaction(ctx, async (tx) => {
    const locked = new Set(
      (
        await lockReceivedItems(
          tx,
          items.map((i) => i.dedupe_key),
        )
      ).map((i) => i.dedupe_key),
    );
    const mine = items.filter((i) => locked.has(i.dedupe_key));
    const statusOf = (i: ItemRow) => (i.item as unknown as StatusItem).status;
    const keyOf = (pnid: string, wamid: string) => `${pnid}\u0000${wamid}`;
    const wanted = new Map(mine.map((i) => [keyOf(i.phone_number_id!, statusOf(i).id), { phoneNumberId: i.phone_number_id!, wamid: statusOf(i).id }]));
    const messages = new Map((await lockMessagesByWamids(tx, [...wanted.values()])).map((m) => [keyOf(m.phone_number_id, m.wamid!), m]));

    const now = ctx.clock.now();
    const out: StatusBatchOutcome = { slow: [], waiting: [] };
    const marks: { key: string; status: ItemRow['status']; note: string | null }[] = [];
    const changed = new Map<string, { message: MessageRow; status: MessageRow['status']; error: MessageRow['error'] | null }>();
    const failures: { message: MessageRow; item: ItemRow; error: MessageRow['error'] | null }[] = [];
    for (const item of mine) {
      const s = statusOf(item);
      const message = messages.get(keyOf(item.phone_number_id!, s.id));
      if (!message) {
        if (s.bizOpaqueCallbackData?.startsWith('msg_')) out.slow.push(item);
        else if (attempt < waitAttempts) out.waiting.push(item);
        else marks.push({ key: item.dedupe_key, status: 'unroutable', note: `no message with wamid ${s.id}` });
        continue;
      }
      const current = changed.get(message.id)?.status ?? message.status;
      const next = nextStatus(current, s.status);
      if (!next) {
        marks.push({ key: item.dedupe_key, status: 'processed', note: `kept ${current} (got ${s.status})` });
        continue;
      }
      const error = statusError(s) ?? null;
      changed.set(message.id, { message, status: next, error: error ?? changed.get(message.id)?.error ?? null });
      if (next === 'failed') failures.push({ message, item, error });
      marks.push({ key: item.dedupe_key, status: 'processed', note: null });
    }
    await setMessageStatuses(
      tx,
      [...changed.entries()].map(([id, c]) => ({ id, status: c.status, error: c.error })),
      now,
    );
    await noteMessageStatus(
      ctx,
      tx,
      [...changed.values()].map((c) => c.message),
    );
    for (const f of failures) {
      await recordEvent(
        ctx,
        tx,
        { source: 'whatsapp', id: f.item.phone_number_id },
        {
          merchantId: f.message.merchant_id,
          orderId: f.message.order_id,
          type: 'message.failed',
          data: { message_id: f.message.id, wamid: f.message.wamid, purpose: f.message.payload['purpose'] ?? null, error: f.error },
        },
      );
      if (f.message.payload['purpose'] === 'address_request' && f.message.type === 'interactive') await onAddressMessageFailed(ctx, tx, f.message);
    }
    await markItems(tx, marks, now);
    return out;
  });
}
