// Answering an inbound message automatically (registered as ctx.inbound.autoReply by the
// composition root, called by the whatsapp module in the transaction that stores the
// message), and the hand-off: a person's reply pauses automation in the conversation, which
// resumes when it is closed or after resume_after_minutes without a reply from staff.
import { err, ok, type Result } from '../../domain/result.ts';
import { decideAutoReply, HOUR_MS, GREETING_EVERY_MS, inboundKind, normalizeWords, pauseExpired, type KeywordReply } from '../../domain/auto-replies.ts';
import { catalogMessage, productListMessage, textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { newId } from '../../domain/ids.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import type { AppContext, AutoReplyInput } from '../../platform/context.ts';
import type { Tx } from '../../platform/store/db.ts';
import { listProducts } from '../catalog/index.ts';
import { getConversation, resumeAutomation } from '../conversations/index.ts';
import { getCustomer, type CustomerRow } from '../customers/index.ts';
import { getFlowKeyword, sendKeywordFlow } from '../flows/index.ts';
import { businessTimeZone } from '../merchants/index.ts';
import { getNumberByMerchant, queueMessage } from '../whatsapp/index.ts';
import { claimAutoReply, getSettings, recentAutoReplies, setAutoReplyMessage } from './automation.repository.ts';
import { replyOf, settingsOf } from './automation.settings.ts';

export async function autoReply(ctx: AppContext, tx: Tx, m: AutoReplyInput): Promise<string | undefined> {
  const inbound = inboundKind(m.type, m.text);
  if (inbound.kind === 'never') return undefined;
  const now = ctx.clock.now();
  // The conversation's lock orders two messages of one customer: the caps see each other's replies.
  const conversation = await getConversation(tx, m.merchantId, m.conversationId, { forUpdate: true });
  const customer = await getCustomer(tx, m.merchantId, m.customerId);
  if (!conversation || !customer) return undefined;
  const settingsRow = await getSettings(tx, m.merchantId);
  const settings = settingsOf(settingsRow);
  let paused = conversation.automation === 'paused';
  if (paused && pauseExpired(conversation.last_staff_reply_at, settings.resume_after_minutes, now)) {
    await resumeAutomation(ctx, tx, m.merchantId, conversation.id, new Date(now.getTime() - settings.resume_after_minutes * 60_000));
    paused = false;
  }
  const word = inbound.kind === 'text' ? normalizeWords(inbound.text) : '';
  const k = word && word.length <= 60 ? await getFlowKeyword(tx, m.merchantId, word) : undefined;
  const recent = await recentAutoReplies(tx, m.merchantId, customer.id, new Date(now.getTime() - HOUR_MS), new Date(now.getTime() - GREETING_EVERY_MS));
  const decision = decideAutoReply({
    settings,
    inbound,
    keyword: k ? replyOf(k) : undefined,
    zone: await businessTimeZone(tx, m.merchantId),
    now,
    optedOut: customer.opted_out_at !== null,
    paused,
    lastGreetingAt: recent.last_greeting,
    lastAwayAt: recent.last_away,
    repliesLastHour: recent.last_hour,
  });
  if (decision.kind === 'none') return k || settingsRow ? `no automatic reply: ${decision.reason}` : undefined;
  const id = newId('arp');
  if (
    !(await claimAutoReply(tx, {
      id,
      merchantId: m.merchantId,
      customerId: customer.id,
      conversationId: conversation.id,
      wamid: m.wamid,
      kind: decision.kind,
      now,
    }))
  )
    return 'automatic reply already sent for this message';
  const what = `${decision.kind === 'keyword' ? `keyword "${word}"` : decision.kind}: ${decision.reply.type === 'flow' ? `flow ${decision.reply.flow}` : decision.reply.type}`;
  const sent = await sendReply(ctx, tx, m.merchantId, customer, decision.reply);
  if (!sent.ok) return `${what} not sent: ${sent.error}`;
  await setAutoReplyMessage(tx, id, sent.value);
  return `${what} sent (${sent.value})`;
}

/** The queued message's id, or why nothing was queued. */
type Sent = Result<string, string>;

/** Queues the reply in the caller's transaction (sent by the paced send queue). */
async function sendReply(ctx: AppContext, tx: Tx, merchantId: string, customer: CustomerRow, reply: KeywordReply): Promise<Sent> {
  if (reply.type === 'flow') {
    const r = await sendKeywordFlow(ctx, tx, merchantId, customer.id, reply);
    return r.ok ? ok(r.value.messageId) : err(r.error.message);
  }
  const to = addressOf(customer);
  if (!to) return err('the customer has neither a phone nor a BSUID');
  let built: ReturnType<typeof textMessage>;
  if (reply.type === 'text') built = textMessage({ ...to, body: reply.text });
  else {
    const number = await getNumberByMerchant(tx, merchantId);
    if (!number?.catalog_id) return err('the WhatsApp number has no catalog connected');
    if (reply.type === 'catalog') {
      const thumb = reply.thumbnail_retailer_id ?? (await listProducts(tx, merchantId, { limit: 1, active: true }))[0]?.retailer_id;
      if (!thumb) return err('the catalog has no active product');
      built = catalogMessage({ ...to, body: reply.body, thumbnailProductRetailerId: thumb });
    } else
      built = productListMessage({
        ...to,
        header: reply.header,
        body: reply.body,
        catalogId: number.catalog_id,
        sections: reply.sections.map((s) => ({ ...(s.title ? { title: s.title } : {}), productRetailerIds: s.retailer_ids })),
      });
  }
  if (!built.ok) return err(built.error.message);
  const row = await queueMessage(ctx, tx, {
    merchantId,
    customerId: customer.id,
    type: reply.type === 'text' ? 'text' : 'interactive',
    body: built.value,
    purpose: 'auto_reply',
    // Not essential: a customer who opts out before it leaves does not get it.
    essential: false,
  });
  return row ? ok(row.id) : err('the merchant has no WhatsApp number');
}

/** A person replied: automation pauses (the conversations module records it), and a job resumes it after the merchant's setting. */
export async function staffReplied(ctx: AppContext, tx: Tx, c: { merchantId: string; conversationId: string; at: Date }): Promise<void> {
  const minutes = settingsOf(await getSettings(tx, c.merchantId)).resume_after_minutes;
  await enqueueJob(tx, {
    kind: 'automation.resume',
    merchantId: c.merchantId,
    payload: { conversation_id: c.conversationId },
    runAt: new Date(c.at.getTime() + minutes * 60_000),
    dedupeKey: `automation.resume:${c.conversationId}:${c.at.getTime()}`,
    maxAttempts: 5,
  });
}

/** The job: automation back on if no staff reply came since (a later reply has its own job). */
export async function resumeIfQuiet(ctx: AppContext, merchantId: string, conversationId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const minutes = settingsOf(await getSettings(tx, merchantId)).resume_after_minutes;
    await resumeAutomation(ctx, tx, merchantId, conversationId, new Date(ctx.clock.now().getTime() - minutes * 60_000));
  });
}
