// Keywords that answer with a flow: the merchant maps "menu" to order_food, and a
// customer's text equal to it (case, width and spacing aside) gets that flow's message,
// sent by sendFlow in the inbox item's transaction. Replays cannot send twice: the
// inbound message is stored under its wamid first, and a duplicate stops there.
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { countFlowKeywords, deleteFlowKeyword, getFlowKeyword, putFlowKeyword, type FlowKeywordRow } from './flow-keywords.repository.ts';
import { getNumberByMerchant } from '../whatsapp/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { sendFlow } from './flows.send.ts';
import { getFlowDefinition } from './definitions/flow.registry.ts';
import { getFlowKey } from './flows.repository.ts';
import { NO_FLOWS_KEY } from './flows.send.ts';

export const MAX_KEYWORD_LENGTH = 60;
export const MAX_KEYWORDS = 200;
/** Words the inbox handles itself (opt-in; the number's opt-out words are checked too). */
const RESERVED = new Set(['start', 'stop']);

/** NFKC, lower case, trimmed, inner runs of whitespace as one space. */
export function normalizeKeyword(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export interface KeywordInput {
  keyword: string;
  flow: string;
  flow_id?: string | undefined;
}

export async function setFlowKeyword(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  input: KeywordInput,
): Promise<Result<{ row: FlowKeywordRow; created: boolean }>> {
  const keyword = normalizeKeyword(input.keyword);
  if (keyword === '' || keyword.length > MAX_KEYWORD_LENGTH || /\p{Cc}/u.test(keyword)) {
    return err(domainError('validation_error', `keyword: 1 to ${MAX_KEYWORD_LENGTH} characters of text`, { path: 'keyword' }));
  }
  const optOutWords = (await getNumberByMerchant(tx, merchantId))?.opt_out_words ?? [];
  if (RESERVED.has(keyword) || optOutWords.some((w) => normalizeKeyword(w) === keyword)) {
    return err(domainError('validation_error', `keyword: "${keyword}" is an opt-in or opt-out word and cannot start a flow`, { path: 'keyword' }));
  }
  if (!getFlowDefinition(input.flow)) return err(domainError('validation_error', `flow: no flow named ${input.flow}`, { path: 'flow' }));
  // A keyword answered without a key pair would send a Flow that cannot open: refuse it now.
  if (!(await getFlowKey(tx, merchantId))) return err(NO_FLOWS_KEY);
  if (input.flow_id !== undefined && !/^\d{1,32}$/.test(input.flow_id))
    return err(domainError('validation_error', 'flow_id: must be the numeric Flow id from WhatsApp Manager', { path: 'flow_id' }));
  if (!(await getFlowKeyword(tx, merchantId, keyword)) && (await countFlowKeywords(tx, merchantId)) >= MAX_KEYWORDS) {
    return err(domainError('conflict', `A merchant has at most ${MAX_KEYWORDS} flow keywords; delete one first`));
  }
  const { inserted, ...row } = await putFlowKeyword(tx, {
    merchant_id: merchantId,
    keyword,
    flow_name: input.flow,
    flow_id: input.flow_id ?? null,
    now: ctx.clock.now(),
  });
  return ok({ row, created: inserted });
}

export async function removeFlowKeyword(tx: Tx, merchantId: string, keyword: string): Promise<Result<{ keyword: string }>> {
  const k = normalizeKeyword(keyword);
  return (await deleteFlowKeyword(tx, merchantId, k)) ? ok({ keyword: k }) : err(domainError('not_found', `No flow keyword "${k}"`));
}

/**
 * An inbound text that is one of the merchant's keywords: the flow message is queued.
 * Undefined when the text is no keyword (the caller carries on as for any text).
 */
export async function answerKeyword(ctx: AppContext, tx: Tx, merchantId: string, customerId: string, text: string): Promise<string | undefined> {
  const keyword = normalizeKeyword(text);
  if (keyword === '' || keyword.length > MAX_KEYWORD_LENGTH) return undefined;
  const k = await getFlowKeyword(tx, merchantId, keyword);
  if (!k) return undefined;
  // The customer asked for it: essential, so an earlier opt-out from promotions does not hold it back.
  const r = await sendFlow(ctx, tx, merchantId, { customer: customerId, flow: k.flow_name, flow_id: k.flow_id ?? undefined, essential: true });
  return r.ok
    ? `keyword "${keyword}": flow ${k.flow_name} sent (${r.value.message.id})`
    : `keyword "${keyword}": flow ${k.flow_name} not sent: ${r.error.message}`;
}
