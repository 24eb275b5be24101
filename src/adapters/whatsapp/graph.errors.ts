// Graph API errors as values. Meta's advice is to branch on `code` (and error_data.details),
// not on HTTP status or title, so the class is decided by the code first and the HTTP status
// only when the code says nothing (whatsapp.md §1 "Error codes to handle").
import { z } from 'zod';

export type GraphErrorClass = 'throttle' | 'pair_limit' | 'token' | 'transient' | 'permanent';

export interface GraphError {
  code: number;
  subcode?: number;
  title: string;
  message: string;
  details?: string;
  httpStatus: number;
  fbtraceId?: string;
  class: GraphErrorClass;
}

/** Code used for failures that never produced a Graph response: network errors, timeouts. */
export const NETWORK_ERROR_CODE = -1;
/** Code used when we refuse a request before sending it (bad id in the path, bad token). */
export const CLIENT_ERROR_CODE = -2;

// Back off and retry the same request later.
const THROTTLE: ReadonlySet<number> = new Set([
  130429, // Cloud API throughput reached
  4, // app-level API call rate limit
  80007, // WABA rate limit
  131048, // spam rate limit: back off and check quality
  131057, // account in maintenance mode (throughput upgrade): retry with backoff
]);
// Retry soon; nothing is wrong with the request.
const TRANSIENT: ReadonlySet<number> = new Set([131000, 131016]);
// Retrying the same request cannot succeed. Listed for documentation; any other 4xx lands here too.
const PERMANENT: ReadonlySet<number> = new Set([100, 131008, 131009, 131021, 131026, 131047, 131049, 131050, 131051, 131062, 130403, 2046, 2047]);

/**
 * throttle: retry with backoff. pair_limit: delay this recipient only. token: pause the
 * number's queue until the token is fixed. transient: retry. permanent: give up (131047 is
 * permanent here: the caller decides whether to fall back to a template).
 */
export function classifyGraphError(code: number, httpStatus: number): GraphErrorClass {
  if (THROTTLE.has(code)) return 'throttle';
  if (code === 131056) return 'pair_limit';
  if (code === 190 || code === 0) return 'token';
  if (TRANSIENT.has(code)) return 'transient';
  if (PERMANENT.has(code)) return 'permanent';
  // httpStatus 0: no response at all (network error, timeout).
  if (httpStatus === 0 || httpStatus >= 500) return 'transient';
  // Not in Meta's table, but a 429 without a Meta code (a proxy, a sandbox) is still a rate limit.
  if (httpStatus === 429) return 'throttle';
  return 'permanent';
}

const metaErrorBody = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int(),
    error_subcode: z.coerce.number().int().optional(),
    error_user_title: z.string().optional(),
    error_data: z.union([z.looseObject({ details: z.string().optional() }), z.string()]).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

// Meta's message is "(#<code>) <title>"; the title is the part after the prefix.
function titleOf(message: string | undefined, code: number): string {
  if (message === undefined || message === '') return `Graph error ${code}`;
  const m = /^\(#\d+\)\s*(.*)$/s.exec(message);
  return m?.[1] !== undefined && m[1] !== '' ? m[1] : message;
}

/** Builds a GraphError from any HTTP error response body (parsed JSON or not). */
export function graphErrorFromBody(body: unknown, httpStatus: number): GraphError {
  const parsed = metaErrorBody.safeParse(body);
  if (!parsed.success) {
    return {
      code: NETWORK_ERROR_CODE,
      title: `HTTP ${httpStatus}`,
      message: `Graph API answered HTTP ${httpStatus} without a Graph error body`,
      httpStatus,
      class: classifyGraphError(NETWORK_ERROR_CODE, httpStatus),
    };
  }
  const e = parsed.data.error;
  const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
  const out: GraphError = {
    code: e.code,
    title: e.error_user_title ?? titleOf(e.message, e.code),
    message: e.message ?? `Graph error ${e.code}`,
    httpStatus,
    class: classifyGraphError(e.code, httpStatus),
  };
  if (e.error_subcode !== undefined) out.subcode = e.error_subcode;
  if (details !== undefined) out.details = details;
  if (e.fbtrace_id !== undefined) out.fbtraceId = e.fbtrace_id;
  return out;
}

export function networkError(message: string, title = 'Network error'): GraphError {
  return { code: NETWORK_ERROR_CODE, title, message, httpStatus: 0, class: 'transient' };
}

export function clientError(message: string): GraphError {
  return { code: CLIENT_ERROR_CODE, title: 'Request refused before sending', message, httpStatus: 0, class: 'permanent' };
}
