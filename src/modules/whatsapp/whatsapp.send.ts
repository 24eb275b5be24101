// The send job. At least once: a message is sent twice only if the process dies
// between Meta's answer and our commit, and such a duplicate is detectable since
// biz_opaque_callback_data carries our message id. Throughput is paced by the shared
// budget, a revoked token (190) pauses the number's queue without losing anything,
// and the 24-hour window decides between free-form and template.
import { createGraphClient, DEFAULT_GRAPH_BASE_URL, DEFAULT_GRAPH_VERSION, type GraphClient } from '../../adapters/whatsapp/graph.client.ts';
import { DeferJob, PermanentJobError } from '../../platform/jobs/job-errors.ts';
import { getMessage, updateMessage, type MessageRow } from './whatsapp-messages.repository.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { getCustomer, takePairToken, windowOpen as isWindowOpen } from '../customers/index.ts';
import { getNumber, updateNumber, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import { recordEvent } from '../events/index.ts';
import { noteMessageStatus } from './whatsapp.stream.ts';
import { schedulePoll } from '../payments/index.ts';
import type { SendBudget } from './whatsapp.budget.ts';
import { isInertNumber } from './whatsapp.numbers.ts';
import { onAddressMessageFailed } from './whatsapp.address.ts';
import { billAwaitsPayment } from '../../domain/payment/reminders.ts';
import { getOrder, getPayment } from '../orders/index.ts';

/** About one message per 6 s to the same customer, with a small burst (Meta's pair limit). */
export const PAIR_PACING = { burst: 8, perSecond: 1 / 6 };
/** How long a paused number's sends wait before looking again (a token update wakes them at once). */
export const PAUSE_RECHECK_MS = 10 * 60_000;

/** Where a number's Graph API calls go: sandbox numbers to our own Cloud API double, live ones to Meta (or GRAPH_URL). */
export function graphEndpoint(ctx: AppContext, number: Pick<WhatsAppNumberRow, 'sandbox'>): { baseUrl: string; version: string } {
  const version = ctx.graph?.version ?? DEFAULT_GRAPH_VERSION;
  return { baseUrl: number.sandbox ? `${ctx.publicUrl}/sandbox/graph` : (ctx.graph?.url ?? DEFAULT_GRAPH_BASE_URL), version };
}

export function graphFor(ctx: AppContext, number: Pick<WhatsAppNumberRow, 'sandbox'>): GraphClient {
  return createGraphClient(graphEndpoint(ctx, number));
}

export function tokenFor(ctx: AppContext, number: WhatsAppNumberRow): string | undefined {
  if (number.sandbox) return number.sandbox_access_token ?? undefined;
  return number.access_token ? ctx.secrets.open(number.access_token) : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fail(ctx: AppContext, m: MessageRow, error: MessageRow['error']) {
  await inTransaction(ctx, async (tx) => {
    await updateMessage(tx, m.id, { status: 'failed', error }, ctx.clock.now());
    await noteMessageStatus(ctx, tx, [m]);
    await recordEvent(
      ctx,
      tx,
      { source: 'whatsapp', id: m.phone_number_id },
      {
        merchantId: m.merchant_id,
        orderId: m.order_id,
        type: 'message.failed',
        data: { message_id: m.id, purpose: m.payload['purpose'] ?? null, error },
      },
    );
    if (m.payload['purpose'] === 'address_request' && m.type === 'interactive') await onAddressMessageFailed(ctx, tx, m);
  });
}

/**
 * A reminder of an unpaid bill (reminders module) that waited in the queue (a paused number,
 * retries) is sent only while its bill still awaits payment: never after payment or cancel.
 */
async function reminderIsStale(ctx: AppContext, m: MessageRow, now: Date): Promise<boolean> {
  const purpose = m.payload['purpose'];
  if (typeof purpose !== 'string' || !purpose.startsWith('reminder:') || !m.order_id || !m.payment_id) return false;
  const order = await getOrder(ctx.db, m.merchant_id, m.order_id);
  const payment = await getPayment(ctx.db, m.merchant_id, m.payment_id);
  return !order || !payment || !billAwaitsPayment({ order, payment }, now);
}

export async function sendQueuedMessage(ctx: AppContext, budget: SendBudget, messageId: string): Promise<void> {
  const m = await getMessage(ctx.db, messageId);
  if (!m || m.direction !== 'out' || !['queued', 'sending'].includes(m.status)) return;
  const number = await getNumber(ctx.db, m.phone_number_id);
  if (!number) throw new PermanentJobError(`number ${m.phone_number_id} is gone`);
  if (isInertNumber(ctx, number)) {
    return fail(ctx, m, { code: 'sandbox_number', title: 'This is a sandbox number: sandbox numbers send nothing in live mode' });
  }
  const now = ctx.clock.now();
  if (number.token_status === 'invalid')
    throw new DeferJob(new Date(now.getTime() + PAUSE_RECHECK_MS), 'the access token is invalid: sending is paused until it is updated');
  const token = tokenFor(ctx, number);
  if (!token) throw new DeferJob(new Date(now.getTime() + PAUSE_RECHECK_MS), 'no access token is set for this number');

  const contact = m.customer_id ? await getCustomer(ctx.db, m.merchant_id, m.customer_id) : undefined;
  // The customer's address now (a phone may have been learned or moved since the message was queued).
  const address = contact ? addressOf(contact) : m.wa_id ? { to: m.wa_id } : undefined;
  if (!address) return fail(ctx, m, { code: 'no_address', title: 'This customer has neither a phone number nor a business-scoped user id' });
  if (!m.essential && contact?.opted_out_at) {
    await inTransaction(ctx, async (tx) => {
      await updateMessage(tx, m.id, { status: 'skipped', error: { code: 'opted_out', title: 'The customer opted out of non-essential messages' } }, now);
      await noteMessageStatus(ctx, tx, [m]);
    });
    return;
  }
  if (await reminderIsStale(ctx, m, now)) {
    await inTransaction(ctx, (tx) =>
      updateMessage(
        tx,
        m.id,
        { status: 'skipped', error: { code: 'bill_closed', title: 'The bill was paid, canceled, expired or replaced before this reminder went' } },
        now,
      ),
    );
    return;
  }
  let body = m.payload['body'] as Record<string, unknown>;
  let type = m.type;
  const windowOpen = isWindowOpen(contact?.last_inbound_at, now);
  if (type !== 'template' && !windowOpen) {
    const fallback = m.payload['fallback'] as Record<string, unknown> | null;
    if (!fallback) {
      return fail(ctx, m, { code: 'window_closed', title: 'The 24-hour customer service window is closed and no template is configured for this message' });
    }
    body = fallback;
    type = 'template';
  }

  // Pace per recipient (Meta's pair rate limit), then by the number's shared budget.
  const pairWait = contact ? await takePairToken(ctx.db, m.merchant_id, contact.id, { ...PAIR_PACING, now }) : 0;
  if (pairWait > 0) throw new DeferJob(new Date(now.getTime() + pairWait), 'pacing messages to this customer');
  // A short wait for the number's budget holds this job's lease.
  for (
    let wait = await budget.take(ctx.db, number.phone_number_id, number.throughput_per_second);
    wait > 0;
    wait = await budget.take(ctx.db, number.phone_number_id, number.throughput_per_second)
  ) {
    await sleep(wait);
  }
  await inTransaction(ctx, (tx) => updateMessage(tx, m.id, { status: 'sending', type }, ctx.clock.now()));
  const { to: _to, recipient: _recipient, ...rest } = body;
  const request = { messaging_product: 'whatsapp', recipient_type: 'individual', ...rest, ...address, type, biz_opaque_callback_data: m.id };
  const r = await graphFor(ctx, number).sendMessage(number.phone_number_id, token, request);
  if (r.ok) {
    await inTransaction(ctx, async (tx) => {
      const sentAt = ctx.clock.now();
      // A status webhook may have overtaken this commit (matched by biz_opaque_callback_data): never move it back.
      const cur = await getMessage(tx, m.id, { forUpdate: true });
      const keep = cur && !['queued', 'sending'].includes(cur.status);
      await updateMessage(tx, m.id, { ...(keep ? {} : { status: 'sent' as const }), wamid: r.value.wamid, sent_at: sentAt }, sentAt);
      if (!keep) await noteMessageStatus(ctx, tx, [m]);
      const purpose = m.payload['purpose'];
      if (purpose === 'bill' && m.order_id) {
        await recordEvent(
          ctx,
          tx,
          { source: 'whatsapp', id: number.phone_number_id },
          {
            merchantId: m.merchant_id,
            orderId: m.order_id,
            type: 'order.bill_sent',
            data: { message_id: m.id, wamid: r.value.wamid, payment_id: m.payment_id, as: type },
          },
        );
        // WhatsApp Pay bills have no checkout object: poll Meta's lookup from now on.
        if (m.payment_id && (m.payload['body'] as Record<string, any>)?.['interactive']?.['type'] === 'order_details') {
          await schedulePoll(ctx, tx, m.merchant_id, m.payment_id, 0, sentAt);
        }
      }
    });
    return;
  }
  const e = r.error;
  const error = { code: e.code, title: e.title, message: e.message, ...(e.details ? { details: e.details } : {}) };
  switch (e.class) {
    case 'token': {
      // Pause the number: every queued send waits (uncounted) until the token is updated.
      // Unless the token was updated while this send was in flight: then retry with the new one.
      const paused = await inTransaction(ctx, async (tx) => {
        const current = await getNumber(tx, number.phone_number_id, { forUpdate: true });
        if (current && (current.access_token !== number.access_token || current.sandbox_access_token !== number.sandbox_access_token)) {
          await updateMessage(tx, m.id, { status: 'queued', error }, ctx.clock.now());
          return false;
        }
        await updateNumber(tx, number.merchant_id, { token_status: 'invalid' }, ctx.clock.now());
        await updateMessage(tx, m.id, { status: 'queued', error }, ctx.clock.now());
        // One event per pause: the row lock orders in-flight sends, and only the first finds it still ok.
        if (current?.token_status !== 'invalid')
          await recordEvent(
            ctx,
            tx,
            { source: 'whatsapp', id: number.phone_number_id },
            { merchantId: number.merchant_id, type: 'whatsapp.token_invalid', data: { phone_number_id: number.phone_number_id, error } },
          );
        return true;
      });
      if (!paused) throw new DeferJob(ctx.clock.now(), 'access token rejected (190), but it was updated meanwhile: retrying with the new one');
      throw new DeferJob(new Date(ctx.clock.now().getTime() + PAUSE_RECHECK_MS), 'access token rejected (190): paused');
    }
    case 'permanent':
      return fail(ctx, m, error);
    default:
      // throttle, pair limit, maintenance, 5xx, network: the runner retries with backoff.
      await inTransaction(ctx, (tx) => updateMessage(tx, m.id, { status: 'queued', error }, ctx.clock.now()));
      throw new Error(`send failed (${e.code} ${e.title}): will retry`);
  }
}
