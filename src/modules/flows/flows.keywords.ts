// Keywords that answer with a flow: the merchant maps "menu" to order_food, and a
// customer's text equal to it (case, width and spacing aside) gets that flow's message.
// The keyword list is one list with the auto-replies' keywords (module automation decides
// which reply answers an inbound message, in one precedence); this module keeps the list,
// checks a flow reply and sends it. Replays cannot send twice: the inbound message is stored
// under its wamid first, and the automatic reply under a unique key.
import { normalizeWords } from '../../domain/auto-replies.ts';
import { domainError, type DomainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { countFlowKeywords, deleteFlowKeyword, getFlowKeyword, putFlowKeyword, type FlowOnlyKeywordRow } from './flow-keywords.repository.ts';
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
export const normalizeKeyword = normalizeWords;

/** A keyword as stored (normalized), or why it cannot be one (`path` names where it came from). */
export async function checkKeyword(tx: Tx, merchantId: string, raw: string, path = 'keyword'): Promise<Result<string>> {
  const keyword = normalizeKeyword(raw);
  if (keyword === '' || keyword.length > MAX_KEYWORD_LENGTH || /\p{Cc}/u.test(keyword)) {
    return err(domainError('validation_error', `${path}: 1 to ${MAX_KEYWORD_LENGTH} characters of text`, { path }));
  }
  const optOutWords = (await getNumberByMerchant(tx, merchantId))?.opt_out_words ?? [];
  if (RESERVED.has(keyword) || optOutWords.some((w) => normalizeKeyword(w) === keyword)) {
    return err(domainError('validation_error', `${path}: "${keyword}" is an opt-in or opt-out word and cannot be a keyword`, { path }));
  }
  return ok(keyword);
}

/** Why a flow cannot answer a keyword (an unknown flow, no key pair, a bad flow_id), or undefined. */
export async function checkFlowReply(tx: Tx, merchantId: string, flow: string, flowId: string | undefined, path = 'flow'): Promise<DomainError | undefined> {
  if (!getFlowDefinition(flow)) return domainError('validation_error', `${path}: no flow named ${flow}`, { path });
  // A keyword answered without a key pair would send a Flow that cannot open: refuse it now.
  if (!(await getFlowKey(tx, merchantId))) return NO_FLOWS_KEY;
  if (flowId !== undefined && !/^\d{1,32}$/.test(flowId))
    return domainError('validation_error', `${path}_id: must be the numeric Flow id from WhatsApp Manager`, { path: `${path}_id` });
  return undefined;
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
): Promise<Result<{ row: FlowOnlyKeywordRow; created: boolean }>> {
  const checked = await checkKeyword(tx, merchantId, input.keyword);
  if (!checked.ok) return checked;
  const keyword = checked.value;
  const bad = await checkFlowReply(tx, merchantId, input.flow, input.flow_id);
  if (bad) return err(bad);
  if (!(await getFlowKeyword(tx, merchantId, keyword)) && (await countFlowKeywords(tx, merchantId)) >= MAX_KEYWORDS) {
    return err(domainError('conflict', `A merchant has at most ${MAX_KEYWORDS} keywords; delete one first`));
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

/** A keyword's flow, queued for the customer who typed it (they asked for it: essential). */
export async function sendKeywordFlow(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  customerId: string,
  f: { flow: string; flow_id?: string | undefined },
): Promise<Result<{ messageId: string }>> {
  const r = await sendFlow(ctx, tx, merchantId, { customer: customerId, flow: f.flow, flow_id: f.flow_id, essential: true });
  return r.ok ? ok({ messageId: r.value.message.id }) : r;
}
