// Processing a stored webhook body: split it into items (every entry and change of
// a batch), store each under its natural key (a redelivered item is skipped), then
// apply each in its own transaction. A status for a message whose send has not
// committed yet waits for a retry of this job. A poison item is refused on its own.
import { extractItems, type WebhookItem } from '../../adapters/whatsapp/webhook.schema.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { findUnsafeStrings, jsonTooDeep, MAX_JSON_DEPTH, storableJson, storableText } from '../../domain/text.ts';
import { isDataError } from '../../platform/store/db-errors.ts';
import {
  getReceivedInboxRows,
  insertItems,
  lockItem,
  markInboxRows,
  markItem,
  pendingItemsOf,
  refuseItem,
  type ItemRow,
  type NewItem,
} from './whatsapp-inbox.repository.ts';
import { applyStatusBatch } from './whatsapp.statuses.ts';
import { getNumber } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { applyItem } from './whatsapp.inbound-items.ts';
import { isInertNumber } from './whatsapp.numbers.ts';

/** After this many tries a status still without its message is set aside as unroutable. */
export const STATUS_WAIT_ATTEMPTS = 6;

/**
 * An item that throws is tried again with the job this many times (a lost connection, a
 * deadlock) and then refused with its reason; values the database refuses are refused at once.
 */
export const ITEM_ATTEMPTS = 3;

/** The longest reason kept in an item's or a body's note. */
const NOTE_MAX = 500;
const noteOf = (text: string) => storableText(text).slice(0, NOTE_MAX);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The stored body as JSON, or why it cannot be read (bodies stored before intake refused deep nesting). */
function readBody(text: string): Result<WebhookItem[], string> {
  if (jsonTooDeep(Buffer.from(text, 'utf8'))) return err(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return ok(extractItems(JSON.parse(text)));
  } catch (e) {
    return err(`unreadable: ${messageOf(e)}`);
  }
}

/**
 * Splits stored bodies into items and applies each on its own. One item never blocks the
 * others: an item whose text PostgreSQL cannot hold (a NUL, an unpaired surrogate) is
 * stored with those characters replaced and refused with the reason (the raw body keeps
 * the original bytes); an item whose processing fails is retried with the job and then
 * refused. Messages go first (a customer waiting is never behind delivery receipts), then
 * the delivery statuses in bulk (whatsapp.statuses.ts). A body is marked processed once
 * none of its items waits or fails; the job fails (and is retried) only while some item
 * may still succeed.
 */
export async function processInboxBatch(ctx: AppContext, inboxIds: string[], attempt: number): Promise<void> {
  const bodies = await getReceivedInboxRows(ctx.db, inboxIds);
  if (bodies.length === 0) return;
  const now = ctx.clock.now();
  const numbers = new Map<string, { merchantId: string | null; inert: boolean }>();
  const rows: NewItem[] = [];
  const unreadable: { id: string; status: 'failed'; note: string }[] = [];
  const itemCount = new Map<string, number>();
  for (const b of bodies) {
    const body = readBody(b.body);
    if (!body.ok) {
      // Retrying cannot read it either: set it aside, the body stays for review.
      unreadable.push({ id: b.id, status: 'failed', note: noteOf(body.error) });
      continue;
    }
    itemCount.set(b.id, body.value.length);
    for (const it of body.value) {
      const unsafe = findUnsafeStrings(it, '', 1)[0];
      const pnid = ('phoneNumberId' in it ? it.phoneNumberId : undefined) ?? null;
      const phoneNumberId = pnid === null ? null : storableText(pnid);
      let routed = phoneNumberId ? numbers.get(phoneNumberId) : undefined;
      if (phoneNumberId && !routed) {
        // Sandbox numbers in live mode: their items are kept, routed to no merchant.
        const number = await getNumber(ctx.db, phoneNumberId);
        const inert = !!number && isInertNumber(ctx, number);
        routed = { merchantId: number && !inert ? number.merchant_id : null, inert };
        numbers.set(phoneNumberId, routed);
      }
      rows.push({
        dedupeKey: storableText(it.dedupeKey),
        inboxId: b.id,
        phoneNumberId,
        merchantId: routed?.merchantId ?? null,
        kind: it.kind,
        item: storableJson(it),
        ...(unsafe ? { status: 'refused' as const, note: noteOf(`${unsafe.path}: ${unsafe.message}`) } : {}),
        now,
      });
    }
  }
  await markInboxRows(ctx.db, unreadable, now);
  await insertEach(ctx, rows);

  const trouble = new Map<string, string[]>();
  const refused = new Map<string, number>();
  const note = (inboxId: string, why: string) => trouble.set(inboxId, [...(trouble.get(inboxId) ?? []), why]);
  const isInert = (i: ItemRow) => !!i.phone_number_id && !!numbers.get(i.phone_number_id)?.inert;
  const receivedAt = new Map(bodies.map((b) => [b.id, b.received_at]));
  const applyOne = async (pending: ItemRow) => {
    const r = await applyPending(ctx, pending, attempt, isInert(pending), receivedAt.get(pending.inbox_id));
    if (r === 'wait') note(pending.inbox_id, 'wait');
    else if (r === 'refused') refused.set(pending.inbox_id, (refused.get(pending.inbox_id) ?? 0) + 1);
    else if (r !== 'done') note(pending.inbox_id, `${pending.dedupe_key}: ${r.failed}`);
  };

  const pending = await pendingItemsOf(
    ctx.db,
    bodies.filter((b) => itemCount.has(b.id)).map((b) => b.id),
  );
  const bulk = pending.filter((p) => p.kind === 'status' && p.merchant_id && !isInert(p));
  const inBulk = new Set(bulk.map((p) => p.dedupe_key));
  for (const p of pending) if (!inBulk.has(p.dedupe_key)) await applyOne(p);
  let leftover: ItemRow[] = [];
  try {
    const r = await applyStatusBatch(ctx, bulk, attempt, STATUS_WAIT_ATTEMPTS);
    for (const w of r.waiting) note(w.inbox_id, 'wait');
    leftover = r.slow;
  } catch (e) {
    // The bulk path failed as a whole (a deadlock, a lost connection): one by one, so one bad item stays alone.
    ctx.log.warn({ err: e }, 'bulk status update failed; applying the statuses one by one');
    leftover = bulk;
  }
  for (const p of leftover) await applyOne(p);

  const done = bodies.filter((b) => itemCount.has(b.id) && !trouble.has(b.id));
  await markInboxRows(
    ctx.db,
    done.map((b) => {
      const setAside = rows.filter((r) => r.inboxId === b.id && r.status === 'refused').length + (refused.get(b.id) ?? 0);
      return { id: b.id, status: 'processed' as const, note: `${itemCount.get(b.id)} item(s)${setAside > 0 ? `, ${setAside} refused` : ''}` };
    }),
    ctx.clock.now(),
  );
  const problems = [...trouble.values()].flat();
  const waiting = problems.filter((p) => p === 'wait').length;
  const failing = problems.filter((p) => p !== 'wait');
  if (waiting > 0 || failing.length > 0) {
    const parts = [
      ...(waiting > 0 ? [`${waiting} status update(s) wait for their message to be recorded`] : []),
      ...(failing.length > 0 ? [`${failing.length} item(s) failed and will be retried (${failing.join('; ')})`] : []),
    ];
    throw new Error(parts.join('; '));
  }
}

/** One stored body (tests, and the shape older jobs carry). */
export const processInbox = (ctx: AppContext, inboxId: string, attempt: number) => processInboxBatch(ctx, [inboxId], attempt);

/** Applies one stored item in its own transaction: done, waiting for a retry, refused, or failed (to retry). */
async function applyPending(
  ctx: AppContext,
  pending: ItemRow,
  attempt: number,
  inert: boolean,
  receivedAt: Date | undefined,
): Promise<'done' | 'wait' | 'refused' | { failed: string }> {
  try {
    return await inTransaction(ctx, async (tx) => {
      const locked = await lockItem(tx, pending.dedupe_key);
      if (!locked || locked.status !== 'received') return 'done';
      const r = inert
        ? ({ status: 'unroutable', note: `phone_number_id ${locked.phone_number_id} is a sandbox number, inert in live mode` } as const)
        : await applyItem(ctx, tx, locked.merchant_id, locked.item as unknown as WebhookItem, receivedAt);
      if (r.status === 'wait' && attempt < STATUS_WAIT_ATTEMPTS) return 'wait';
      await markItem(tx, locked.dedupe_key, r.status === 'wait' ? 'unroutable' : r.status, r.note ?? null, ctx.clock.now());
      return 'done';
    });
  } catch (e) {
    // Values the database refuses will be refused again: no retry for those.
    if (!isDataError(e) && attempt < ITEM_ATTEMPTS) return { failed: messageOf(e) };
    const reason = isDataError(e) ? `the database refused its values: ${messageOf(e)}` : `failed ${attempt} times: ${messageOf(e)}`;
    ctx.log.warn({ err: e, inbox: pending.inbox_id, item: pending.dedupe_key }, 'WhatsApp webhook item refused');
    return (await refuseItem(ctx.db, pending.dedupe_key, noteOf(reason), ctx.clock.now())) ? 'refused' : 'done';
  }
}

/**
 * Stores the items in one statement; if the database refuses it, one by one, and an item
 * it still refuses is kept as a refused stub with the reason (its content is in the raw body).
 */
async function insertEach(ctx: AppContext, rows: NewItem[]): Promise<void> {
  try {
    await insertItems(ctx.db, rows);
    return;
  } catch (e) {
    if (!isDataError(e)) throw e;
  }
  for (const r of rows) {
    try {
      await insertItems(ctx.db, [r]);
    } catch (e) {
      if (!isDataError(e)) throw e;
      await insertItems(ctx.db, [{ ...r, item: { kind: r.kind, unstorable: true }, status: 'refused', note: noteOf(`could not be stored: ${messageOf(e)}`) }]);
    }
  }
}
