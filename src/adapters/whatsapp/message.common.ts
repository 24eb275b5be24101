// Shared pieces of the outbound message builders: the request envelope, Meta's length
// limits, and validation helpers that turn a refusal into a validation_error whose
// details.path names the offending input field.
import { domainError, type DomainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';

export type Built = Result<Record<string, unknown>>;
export type Refusal = { ok: false; error: DomainError };

// Meta's limits (whatsapp.md §1, §3, §4; checkout-button-templates page).
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  footer: 60,
  headerText: 60,
  itemName: 60,
  amountDescription: 60,
  expirationDescription: 120,
  orderStatusDescription: 120,
  ctaDisplayText: 20,
  replyButtonTitle: 20,
  replyButtonId: 256,
  /** Meta's Flows guide says 30; the 20 we had came from a client library. */
  flowCta: 30,
  sectionTitle: 24,
  productListSections: 10,
  productListProducts: 30,
  configurationName: 60,
  bizOpaqueBytes: 512,
  orderItems: 100,
  /** expiration.timestamp must be at least this far after the send request. */
  minExpirySeconds: 300,
} as const;

export interface Envelope {
  /** Recipient: E.164 digits, '+' optional. Either this or `recipient`; `to` wins when both are given (as at Meta). */
  to?: string | null | undefined;
  /** Recipient by business-scoped user id (BSUID, `CC.` + up to 128 alphanumerics; a parent BSUID has `ENT.`), for a customer whose phone we do not know. */
  recipient?: string | null | undefined;
  /** Echoed back in status webhooks (≤ 512 bytes). */
  bizOpaqueCallbackData?: string;
  /** wamid of the message this one quotes (context.message_id). */
  replyTo?: string;
}

export const refuse = (path: string, message: string): Refusal => err(domainError('validation_error', message, { path }));

// Meta counts characters; String.length counts UTF-16 units, which is never fewer, so
// checking it refuses everything Meta would (and an emoji-heavy text a little early).
export function checkText(path: string, value: unknown, max: number, required = true): Refusal | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') return refuse(path, `${path} must be a string`);
  if (value.trim().length === 0) return refuse(path, `${path} must not be empty`);
  if (value.length > max) return refuse(path, `${path} must be at most ${max} characters`);
  return undefined;
}

const RECIPIENT = /^\+?[1-9]\d{5,14}$/;
/** A business-scoped user id (Meta's `user_id`): country code, optional ENT. (parent), up to 128 alphanumerics. */
export const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** Where a message to this person goes: the phone when known (Meta's advice), else the BSUID. */
export function addressOf(c: { wa_id?: string | null; bsuid?: string | null }): { to: string } | { recipient: string } | undefined {
  if (c.wa_id) return { to: c.wa_id };
  if (c.bsuid) return { recipient: c.bsuid };
  return undefined;
}
const WAMID = /^[\x21-\x7e]{1,512}$/;

/** The common request fields; `type` and its object are added by each builder. */
export function envelope(e: Envelope, type: string, payload: Record<string, unknown>): Built {
  if (typeof e !== 'object' || e === null) return refuse('to', 'recipient is required');
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual' };
  if (e.to !== undefined && e.to !== null) {
    if (typeof e.to !== 'string' || !RECIPIENT.test(e.to)) return refuse('to', 'to must be an E.164 phone number (digits, optional +)');
    body.to = e.to;
  } else if (e.recipient !== undefined && e.recipient !== null) {
    if (typeof e.recipient !== 'string' || !BSUID.test(e.recipient))
      return refuse('recipient', 'recipient must be a business-scoped user id, e.g. US.13491208655302741918');
    body.recipient = e.recipient;
  } else return refuse('to', 'to (a phone number) or recipient (a business-scoped user id) is required');
  if (e.replyTo !== undefined) {
    if (typeof e.replyTo !== 'string' || !WAMID.test(e.replyTo)) return refuse('replyTo', 'replyTo must be a message id');
    body.context = { message_id: e.replyTo };
  }
  body.type = type;
  if (e.bizOpaqueCallbackData !== undefined) {
    const v = e.bizOpaqueCallbackData;
    if (typeof v !== 'string' || v.length === 0) return refuse('bizOpaqueCallbackData', 'bizOpaqueCallbackData must be a non-empty string');
    if (Buffer.byteLength(v, 'utf8') > LIMITS.bizOpaqueBytes) {
      return refuse('bizOpaqueCallbackData', `bizOpaqueCallbackData must be at most ${LIMITS.bizOpaqueBytes} bytes`);
    }
    body.biz_opaque_callback_data = v;
  }
  body[type] = payload;
  return ok(body);
}

/** Optional text header/footer/body objects shared by interactive messages. */
export function textPart(path: string, value: string | undefined, max: number, required: boolean): Result<{ text: string } | undefined> {
  const bad = checkText(path, value, max, required);
  if (bad) return bad;
  return ok(value === undefined ? undefined : { text: value });
}

/** Adds header/body/footer to an interactive object, refusing over-long or empty parts. */
export function interactiveShell(
  type: string,
  parts: { header?: string; body?: string; footer?: string },
  need: { header?: boolean; body?: boolean },
): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = { type };
  const header = checkText('header', parts.header, LIMITS.headerText, need.header === true);
  if (header) return header;
  if (parts.header !== undefined) out.header = { type: 'text', text: parts.header };
  const body = textPart('body', parts.body, LIMITS.interactiveBody, need.body === true);
  if (!body.ok) return body;
  if (body.value) out.body = body.value;
  const footer = textPart('footer', parts.footer, LIMITS.footer, false);
  if (!footer.ok) return footer;
  if (footer.value) out.footer = footer.value;
  return ok(out);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
