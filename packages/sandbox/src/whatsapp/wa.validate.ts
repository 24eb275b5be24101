// The request body of POST /{phone_number_id}/messages, checked with Meta's codes:
// envelope problems are 100 (Graph parameter errors), missing fields 131008, invalid
// values 131009, template problems 132000/132001. Pure: what needs the store (reference
// reuse, transitions, catalog, limits) is done by wa.send.ts with what this returns.
import { bad, fail, okv, type Checked, type GraphFailure } from './wa.errors.ts';
import { first, httpUrl, invalid, isObj, missing, object, text, type Obj } from './wa.check.ts';
import { checkInteractive, type InteractiveResult } from './wa.validate-interactive.ts';
import { checkTemplate, type TemplateSpec } from './wa.templates.ts';
import { BSUID_PATTERN, normalizeWaId } from './wa.types.ts';
import type { SandboxNumber } from '../host.ts';

export type ParsedRequest =
  | { kind: 'read'; messageId: string }
  | ({
      kind: 'send';
      input: string;
      /** The recipient's sandbox address: the phone from `to`, or (filled in by wa.send.ts) the person a `recipient` BSUID names. */
      waId: string;
      /** Sent with `recipient` (a BSUID) and no `to`. */
      recipient?: string;
      type: string;
      /** Anything but a template needs the 24-hour window. */
      freeForm: boolean;
      template?: TemplateSpec;
      rendered?: string;
      bizOpaque?: string;
    } & InteractiveResult);

export const MESSAGE_TYPES = [
  'audio',
  'button',
  'contacts',
  'document',
  'image',
  'interactive',
  'location',
  'reaction',
  'sticker',
  'template',
  'text',
  'video',
];
const MEDIA = new Set(['audio', 'document', 'image', 'sticker', 'video']);
const ENVELOPE_KEYS = new Set([
  'messaging_product',
  'recipient_type',
  'to',
  'recipient',
  'recipient',
  'type',
  'context',
  'biz_opaque_callback_data',
  'status',
  'message_id',
  'typing_indicator',
]);

export interface ValidateCtx {
  now: Date;
  number: Pick<SandboxNumber, 'catalog_id' | 'payment_configurations' | 'templates' | 'display_phone_number'>;
}

const param = (details: string): GraphFailure => fail(100, details);
const oneOf = (name: string, allowed: string[], got: unknown) =>
  param(`Param ${name} must be one of {${allowed.map((a) => a.toUpperCase()).join(', ')}} - got "${String(got)}".`);

function markRead(b: Obj): Checked<ParsedRequest> {
  if (b['status'] !== 'read') return { ok: false, error: oneOf('status', ['read'], b['status']) };
  if (typeof b['message_id'] !== 'string' || b['message_id'] === '') return { ok: false, error: param('The parameter message_id is required.') };
  const t = b['typing_indicator'];
  if (t !== undefined && !(isObj(t) && t['type'] === 'text'))
    return { ok: false, error: oneOf("typing_indicator['type']", ['text'], isObj(t) ? t['type'] : t) };
  return okv({ kind: 'read', messageId: b['message_id'] });
}

function simple(type: string, v: Obj): GraphFailure | undefined {
  if (type === 'text') {
    return first(
      () => text('text.body', v['body'], 4096),
      () => (v['preview_url'] === undefined || typeof v['preview_url'] === 'boolean' ? undefined : invalid('text.preview_url', 'must be a boolean')),
    );
  }
  if (MEDIA.has(type)) {
    return first(
      () => (v['id'] === undefined && v['link'] === undefined ? missing(`${type}.id or ${type}.link`) : undefined),
      () => (v['link'] !== undefined ? httpUrl(`${type}.link`, v['link']) : undefined),
      () => (type === 'audio' || type === 'sticker' ? undefined : text(`${type}.caption`, v['caption'], 1024, false)),
    );
  }
  if (type === 'location') {
    const num = (k: string) =>
      typeof v[k] === 'number' || (typeof v[k] === 'string' && v[k] !== '' && !Number.isNaN(Number(v[k]))) ? undefined : missing(`location.${k}`);
    return first(
      () => num('latitude'),
      () => num('longitude'),
    );
  }
  if (type === 'reaction')
    return first(
      () => text('reaction.message_id', v['message_id'], 512),
      () => text('reaction.emoji', v['emoji'], 16, false),
    );
  if (type === 'contacts') return undefined;
  return fail(131051, `Message type ${type} is not supported`);
}

export function validateRequest(body: unknown, ctx: ValidateCtx): Checked<ParsedRequest> {
  const b: Obj = isObj(body) ? body : {};
  if (b['messaging_product'] === undefined) return { ok: false, error: param('The parameter messaging_product is required.') };
  if (b['messaging_product'] !== 'whatsapp') return { ok: false, error: oneOf('messaging_product', ['whatsapp'], b['messaging_product']) };
  if (b['status'] !== undefined || b['message_id'] !== undefined) return markRead(b);
  const type = b['type'] ?? 'text';
  if (typeof type !== 'string' || !MESSAGE_TYPES.includes(type)) return { ok: false, error: oneOf('type', MESSAGE_TYPES, type) };
  for (const k of Object.keys(b)) {
    if (!ENVELOPE_KEYS.has(k) && !MESSAGE_TYPES.includes(k)) return { ok: false, error: param(`Unexpected key "${k}" on param "<root>".`) };
  }
  if (b['recipient_type'] !== undefined && b['recipient_type'] !== 'individual')
    return { ok: false, error: oneOf('recipient_type', ['individual'], b['recipient_type']) };
  // `recipient` (a BSUID) stands in for `to`; when both are given `to` wins, as at Meta.
  const byBsuid = b['to'] === undefined && b['recipient'] !== undefined;
  if (b['to'] === undefined && !byBsuid) return { ok: false, error: param('The parameter to is required.') };
  if (byBsuid && !(typeof b['recipient'] === 'string' && BSUID_PATTERN.test(b['recipient'])))
    return bad(131009, 'recipient must be a business-scoped user id, e.g. US.13491208655302741918');
  const waId = byBsuid ? (b['recipient'] as string) : typeof b['to'] === 'string' ? normalizeWaId(b['to']) : null;
  if (!waId) return bad(131009, 'to must be a phone number in international format: digits, optionally with +, spaces or dashes');
  if (waId === ctx.number.display_phone_number) return bad(131021, 'The recipient is this business phone number');
  const c = b['context'];
  if (c !== undefined && !(isObj(c) && typeof c['message_id'] === 'string' && c['message_id'] !== ''))
    return { ok: false, error: param("The parameter context['message_id'] is required.") };
  const opaque = b['biz_opaque_callback_data'];
  if (opaque !== undefined && (typeof opaque !== 'string' || Buffer.byteLength(opaque, 'utf8') > 512)) {
    return bad(131009, 'biz_opaque_callback_data must be a string of at most 512 bytes');
  }
  const payload = b[type];
  if (payload === undefined) return { ok: false, error: missing(type) };
  const base = {
    kind: 'send' as const,
    input: (byBsuid ? b['recipient'] : b['to']) as string,
    waId,
    ...(byBsuid ? { recipient: waId } : {}),
    type,
    freeForm: type !== 'template',
    ...(opaque !== undefined ? { bizOpaque: opaque as string } : {}),
  };
  if (type === 'interactive') {
    const r = checkInteractive(payload, ctx);
    if (r.ok && isObj(payload) && payload['type'] === 'address_message' && !waId.startsWith('91')) {
      // Meta: the recipient's country code must match the form's country.
      return bad(131009, 'address messages with country IN can only be sent to Indian (+91) numbers');
    }
    return r.ok ? okv({ ...base, ...r.value }) : r;
  }
  if (type === 'template') {
    const r = checkTemplate(payload, ctx);
    if (!r.ok) return r;
    return okv({ ...base, template: r.value.spec, rendered: r.value.rendered, ...(r.value.order ? { order: r.value.order } : {}) });
  }
  const f = object(type, payload) ?? simple(type, payload);
  return f ? { ok: false, error: f } : okv(base);
}
