// Meta's error shapes: the Graph API `error` envelope answered synchronously, and the
// `errors[]` items that status webhooks carry. Titles and details follow Meta's
// error-code page (whatsapp.md §1 "Error codes to handle").
import type { Result } from '../../../../src/domain/result.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fbtraceId, type WaStatusError } from './wa.types.ts';

export const ERROR_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

export const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token',
  2046: 'New order status was not correctly transitioned',
  2047: "Could not change order status to 'canceled'",
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131008: 'Required parameter is missing',
  131009: 'Parameter value is not valid',
  131021: 'Recipient cannot be sender',
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'Unable to deliver the marketing message. This could be because the user has stopped marketing messages.',
  131051: 'Unsupported message type',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131062: 'Business-scoped User ID recipients are not supported for this message',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
};

export const DETAILS = {
  130429: 'Cloud API message throughput has been reached.',
  131056: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131049: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  131026:
    'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service and Privacy Policy; the recipient is using an old WhatsApp version.',
  2046: 'New order status was not correctly transitioned.',
  2047: "Could not change order status to 'canceled' because a payment is pending or was successful.",
} as const;

/** A refusal of the Graph API double, turned into Meta's envelope by sendGraphError. */
export interface GraphFailure {
  code: number;
  details?: string;
  subcode?: number;
  /** Replaces "(#code) title". */
  message?: string;
  type?: string;
  /** HTTP status; 400 unless said otherwise (401 for 190). */
  status?: number;
  /** false: no error_data (Graph-level errors such as 190 and 100/33). */
  errorData?: boolean;
}

export const fail = (code: number, details?: string, extra: Partial<GraphFailure> = {}): GraphFailure => ({
  code,
  ...(details === undefined ? {} : { details }),
  ...extra,
});

export type Checked<T> = Result<T, GraphFailure>;
export const okv = <T>(value: T): Checked<T> => ({ ok: true, value });
export const bad = <T = never>(code: number, details?: string, extra: Partial<GraphFailure> = {}): Checked<T> => ({
  ok: false,
  error: fail(code, details, extra),
});

export function invalidToken(): GraphFailure {
  return { code: 190, message: 'Invalid OAuth access token - Cannot parse access token', status: 401, errorData: false };
}

export function unknownObject(method: string, id: string): GraphFailure {
  return {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    errorData: false,
  };
}

export function graphErrorBody(f: GraphFailure): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = {
    message: f.message ?? `(#${f.code}) ${f.code === 100 && f.details ? f.details : (TITLES[f.code] ?? 'Unknown error')}`,
    type: f.type ?? 'OAuthException',
    code: f.code,
  };
  if (f.errorData !== false) error.error_data = { messaging_product: 'whatsapp', details: f.details ?? TITLES[f.code] ?? 'Unknown error' };
  if (f.subcode !== undefined) error.error_subcode = f.subcode;
  error.fbtrace_id = fbtraceId();
  return { error };
}

export function sendGraphError(reply: FastifyReply, f: GraphFailure) {
  const body = graphErrorBody(f);
  const status = f.status ?? (f.code === 190 ? 401 : 400);
  const kind = f.code === 190 ? 'invalid_token' : 'invalid_request';
  // Graph repeats the message in WWW-Authenticate; header values must stay ASCII.
  const msg = String(body.error['message'])
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/"/g, "'");
  return reply.code(status).header('www-authenticate', `OAuth "Facebook Platform" "${kind}" "${msg}"`).type('application/json').send(body);
}

/** The errors[] item of a failed status webhook. */
export function statusError(code: keyof typeof DETAILS): WaStatusError {
  const title = TITLES[code]!;
  return { code, title, message: title, error_data: { details: DETAILS[code] }, href: ERROR_HREF };
}

/** Framework errors (bad JSON, wrong content type, size) in Graph's envelope. */
export function graphErrorHandler(error: any, req: FastifyRequest, reply: FastifyReply) {
  const code = error?.code as string | undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendGraphError(reply, fail(100, 'The request body is too large', { status: 413 }));
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendGraphError(reply, fail(100, 'Send the body as application/json'));
  const status = typeof error?.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    const v = error?.validation?.[0];
    const where = v ? `${error.validationContext ?? 'body'}${String(v.instancePath ?? '').replace(/\//g, '.')}: ` : '';
    return sendGraphError(reply, fail(100, `${where}${v?.message ?? error?.message ?? 'Invalid request'}`));
  }
  req.log.error({ err: error }, 'sandbox WhatsApp: unhandled error');
  return sendGraphError(reply, fail(131000, 'Something went wrong in the sandbox WhatsApp API', { status: 500 }));
}

export function graphNotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0] ?? '';
  return sendGraphError(reply, { code: 2500, message: `Unknown path components: ${path}`, errorData: false });
}
