// Reading and setting the automatic replies. The keywords are the one keyword list that
// /v1/flows/keywords also edits (its flow entries): here the whole list is replaced at once.
import { checkWeeklyHours } from '../../domain/booking/availability.ts';
import { DEFAULT_AUTO_REPLY_SETTINGS, type AutoReplySettings, type KeywordReply } from '../../domain/auto-replies.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import type { AppContext } from '../../platform/context.ts';
import { getProductsByRetailerIds, listProducts } from '../catalog/index.ts';
import { checkFlowReply, checkKeyword, listKeywords, MAX_KEYWORDS, replaceKeywords, type FlowKeywordRow } from '../flows/index.ts';
import { getNumberByMerchant } from '../whatsapp/index.ts';
import { getSettings, putSettings, type SettingsRow } from './automation.repository.ts';
import type { AutoRepliesInput } from './automation.present.ts';

export function settingsOf(row: SettingsRow | undefined): AutoReplySettings {
  if (!row) return DEFAULT_AUTO_REPLY_SETTINGS;
  return {
    greeting: { enabled: row.greeting_enabled, text: row.greeting_text },
    away: { enabled: row.away_enabled, text: row.away_text, hours: row.away_hours },
    fallback: { enabled: row.fallback_enabled, text: row.fallback_text },
    resume_after_minutes: row.resume_after_minutes,
  };
}

/** A stored keyword's reply as the API shows it. */
export function replyOf(k: FlowKeywordRow): KeywordReply {
  if (k.flow_name !== null) return { type: 'flow', flow: k.flow_name, ...(k.flow_id ? { flow_id: k.flow_id } : {}) };
  return k.reply as unknown as KeywordReply;
}

export async function readAutoReplies(q: Queryable, merchantId: string) {
  const row = await getSettings(q, merchantId);
  const keywords = (await listKeywords(q, merchantId, MAX_KEYWORDS)).map((k) => ({ match: k.keyword, reply: replyOf(k) }));
  return { settings: settingsOf(row), keywords, updatedAt: row?.updated_at ?? null };
}

const invalid = (path: string, message: string) => err(domainError('validation_error', `${path}: ${message}`, { path }));

/** Why a keyword's reply cannot be sent by this merchant (an unknown flow or product, no catalog), or undefined. */
async function checkReply(tx: Tx, merchantId: string, reply: KeywordReply, path: string): Promise<Result<true>> {
  if (reply.type === 'text') return ok(true);
  if (reply.type === 'flow') {
    const bad = await checkFlowReply(tx, merchantId, reply.flow, reply.flow_id, `${path}.flow`);
    return bad ? err(bad) : ok(true);
  }
  const number = await getNumberByMerchant(tx, merchantId);
  if (!number?.catalog_id) return invalid(`${path}.type`, 'the WhatsApp number has no catalog connected (PATCH /v1/settings/whatsapp catalog_id)');
  const ids = reply.type === 'catalog' ? (reply.thumbnail_retailer_id ? [reply.thumbnail_retailer_id] : []) : reply.sections.flatMap((s) => s.retailer_ids);
  if (reply.type === 'product_list' && ids.length > 30) return invalid(`${path}.sections`, 'at most 30 products across all sections');
  if (reply.type === 'product_list' && reply.sections.length > 1 && reply.sections.some((s) => !s.title))
    return invalid(`${path}.sections`, 'every section needs a title when there are several');
  if (reply.type === 'catalog' && ids.length === 0 && (await listProducts(tx, merchantId, { limit: 1, active: true })).length === 0)
    return invalid(`${path}.thumbnail_retailer_id`, 'the catalog has no active product to show');
  const known = new Set((await getProductsByRetailerIds(tx, merchantId, ids)).map((p) => p.retailer_id));
  const missing = ids.find((id) => !known.has(id));
  return missing === undefined ? ok(true) : invalid(`${path}`, `no product with retailer_id ${JSON.stringify(missing)} in the catalog`);
}

export async function setAutoReplies(ctx: AppContext, tx: Tx, merchantId: string, input: AutoRepliesInput): Promise<Result<true>> {
  const cur = settingsOf(await getSettings(tx, merchantId));
  // A text left out is kept; null clears it.
  const textOf = (given: string | null | undefined, kept: string | null) => (given === undefined ? kept : given);
  const greeting = input.greeting ? { enabled: input.greeting.enabled, text: textOf(input.greeting.text, cur.greeting.text) } : cur.greeting;
  const fallback = input.fallback ? { enabled: input.fallback.enabled, text: textOf(input.fallback.text, cur.fallback.text) } : cur.fallback;
  const away = input.away ? { enabled: input.away.enabled, text: textOf(input.away.text, cur.away.text), hours: input.away.hours ?? cur.away.hours } : cur.away;
  for (const [name, t] of [
    ['greeting', greeting],
    ['away', away],
    ['fallback', fallback],
  ] as const) {
    if (t.enabled && !t.text) return invalid(`${name}.text`, `a text is needed to enable the ${name} reply`);
  }
  const hours = checkWeeklyHours(away.hours as Record<string, unknown>);
  if (!hours.ok) return invalid('away.hours', hours.error.replace(/^weekly_hours\.?/, ''));
  if (away.enabled && Object.keys(hours.value).length === 0) return invalid('away.hours', 'opening hours are needed to enable the away reply');

  if (input.keywords) {
    const seen = new Map<string, number>();
    const entries: Parameters<typeof replaceKeywords>[2] = [];
    for (const [i, k] of input.keywords.entries()) {
      const checked = await checkKeyword(tx, merchantId, k.match, `keywords.${i}.match`);
      if (!checked.ok) return checked;
      if (seen.has(checked.value)) return invalid(`keywords.${i}.match`, `"${checked.value}" is listed twice (also keywords.${seen.get(checked.value)})`);
      seen.set(checked.value, i);
      const good = await checkReply(tx, merchantId, k.reply, `keywords.${i}.reply`);
      if (!good.ok) return good;
      const r = k.reply;
      entries.push(
        r.type === 'flow'
          ? { keyword: checked.value, flow_name: r.flow, flow_id: r.flow_id ?? null, reply: null }
          : { keyword: checked.value, flow_name: null, flow_id: null, reply: r as Record<string, unknown> },
      );
    }
    await replaceKeywords(tx, merchantId, entries, ctx.clock.now());
  }
  await putSettings(tx, {
    merchant_id: merchantId,
    greeting_enabled: greeting.enabled,
    greeting_text: greeting.text,
    away_enabled: away.enabled,
    away_text: away.text,
    away_hours: hours.value as Record<string, [string, string][]>,
    fallback_enabled: fallback.enabled,
    fallback_text: fallback.text,
    resume_after_minutes: input.resume_after_minutes ?? cur.resume_after_minutes,
    now: ctx.clock.now(),
  });
  return ok(true);
}
