// Template messages: the only kind allowed outside the 24-hour window. Includes the
// checkout-button variant whose button carries a whole order_details object (Meta's
// checkout-button-templates page; whatsapp.md §3.6).
import { currencyExponent, isMinorAmount } from '../../domain/money.ts';
import { ok, type Result } from '../../domain/result.ts';
import { checkText, envelope, isPlainObject, refuse, type Built, type Envelope } from './message.common.ts';
import { orderDetailsParameters, type OrderDetailsInput } from './order-details.builder.ts';

export type TemplateParameterInput =
  | { type: 'text'; text: string; parameterName?: string }
  /** amount in minor units of `currency`; sent as amount_1000. */
  | { type: 'currency'; amount: number; currency: string; fallback: string; parameterName?: string }
  | { type: 'date_time'; fallback: string; parameterName?: string }
  | { type: 'image' | 'video' | 'document'; link?: string; id?: string; filename?: string };

export type TemplateButtonInput =
  | { subType: 'quick_reply'; index: number; payload: string }
  | { subType: 'url'; index: number; text: string }
  | { subType: 'flow'; index: number; flowToken: string; flowActionData?: Record<string, unknown> }
  | { subType: 'catalog'; index: number; thumbnailProductRetailerId: string }
  | { subType: 'order_details'; index: number; order: OrderDetailsInput };

export interface TemplateMessageInput extends Envelope {
  name: string;
  languageCode: string;
  header?: TemplateParameterInput[];
  body?: TemplateParameterInput[];
  buttons?: TemplateButtonInput[];
}

const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
// whatsapp-api-js: lowercase a-z or "_", at most 20 characters.
const PARAMETER_NAME = /^[a-z_]{1,20}$/;
const MEDIA_ID = /^\d{1,32}$/;

/** Minor units → amount_1000 (the amount times 1000), exactly, or undefined when it is not an integer. */
export function toAmount1000(minor: number, currency: string): number | undefined {
  const exp = currencyExponent(currency);
  if (exp === undefined || !isMinorAmount(minor)) return undefined;
  const scaled = BigInt(minor) * 1000n;
  const div = 10n ** BigInt(exp);
  if (scaled % div !== 0n) return undefined;
  const v = scaled / div;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

function parameter(path: string, p: TemplateParameterInput, allowMedia: boolean): Result<Record<string, unknown>> {
  if (!isPlainObject(p)) return refuse(path, `${path} must be an object`);
  let out: Record<string, unknown>;
  switch (p.type) {
    case 'text': {
      const bad = checkText(`${path}.text`, p.text, 1024);
      if (bad) return bad;
      out = { type: 'text', text: p.text };
      break;
    }
    case 'currency': {
      const amount = toAmount1000(p.amount, p.currency);
      if (amount === undefined) return refuse(`${path}.amount`, `${path}.amount must be a positive amount in minor units of a known currency`);
      const bad = checkText(`${path}.fallback`, p.fallback, 1024);
      if (bad) return bad;
      out = { type: 'currency', currency: { fallback_value: p.fallback, code: p.currency, amount_1000: amount } };
      break;
    }
    case 'date_time': {
      const bad = checkText(`${path}.fallback`, p.fallback, 1024);
      if (bad) return bad;
      out = { type: 'date_time', date_time: { fallback_value: p.fallback } };
      break;
    }
    case 'image':
    case 'video':
    case 'document': {
      if (!allowMedia) return refuse(`${path}.type`, `${p.type} parameters belong in the header`);
      if ((p.link === undefined) === (p.id === undefined)) return refuse(path, `${path} needs exactly one of link or id`);
      if (p.link !== undefined && (typeof p.link !== 'string' || !/^https:\/\/\S+$/.test(p.link)))
        return refuse(`${path}.link`, `${path}.link must be an https URL`);
      if (p.id !== undefined && (typeof p.id !== 'string' || !MEDIA_ID.test(p.id))) return refuse(`${path}.id`, `${path}.id must be a media id`);
      const media: Record<string, unknown> = p.link !== undefined ? { link: p.link } : { id: p.id };
      if (p.filename !== undefined) {
        if (p.type !== 'document') return refuse(`${path}.filename`, 'filename applies to documents only');
        const bad = checkText(`${path}.filename`, p.filename, 240);
        if (bad) return bad;
        media.filename = p.filename;
      }
      return ok({ type: p.type, [p.type]: media });
    }
    default:
      return refuse(`${path}.type`, `${path}.type must be text, currency, date_time, image, video or document`);
  }
  if (p.parameterName !== undefined) {
    if (typeof p.parameterName !== 'string' || !PARAMETER_NAME.test(p.parameterName)) {
      return refuse(`${path}.parameterName`, `${path}.parameterName must be 1-20 characters of a-z or _`);
    }
    out.parameter_name = p.parameterName;
  }
  return ok(out);
}

function button(path: string, b: TemplateButtonInput, now: Date | undefined): Result<Record<string, unknown>> {
  if (!isPlainObject(b)) return refuse(path, `${path} must be an object`);
  if (!Number.isInteger(b.index) || b.index < 0 || b.index > 9) return refuse(`${path}.index`, `${path}.index must be 0-9`);
  const wrap = (subType: string, parameter: Record<string, unknown>) => ok({ type: 'button', sub_type: subType, index: b.index, parameters: [parameter] });
  switch (b.subType) {
    case 'quick_reply': {
      const bad = checkText(`${path}.payload`, b.payload, 1000);
      return bad ?? wrap('quick_reply', { type: 'payload', payload: b.payload });
    }
    case 'url': {
      const bad = checkText(`${path}.text`, b.text, 2000);
      return bad ?? wrap('url', { type: 'text', text: b.text });
    }
    case 'flow': {
      const bad = checkText(`${path}.flowToken`, b.flowToken, 1024);
      if (bad) return bad;
      if (b.flowActionData !== undefined && !isPlainObject(b.flowActionData)) return refuse(`${path}.flowActionData`, 'flowActionData must be an object');
      const action: Record<string, unknown> = { flow_token: b.flowToken };
      if (b.flowActionData !== undefined) action.flow_action_data = b.flowActionData;
      return wrap('flow', { type: 'action', action });
    }
    case 'catalog': {
      const bad = checkText(`${path}.thumbnailProductRetailerId`, b.thumbnailProductRetailerId, 100);
      return bad ?? wrap('catalog', { type: 'action', action: { thumbnail_product_retailer_id: b.thumbnailProductRetailerId } });
    }
    case 'order_details': {
      if (now === undefined) return refuse('now', 'an order_details button needs the current time');
      const params = orderDetailsParameters(b.order, now, 'template');
      if (!params.ok) {
        const d = params.error.details as { path?: string } | undefined;
        return refuse(`${path}.order.${d?.path ?? ''}`.replace(/\.$/, ''), params.error.message);
      }
      return wrap('order_details', { type: 'action', action: { order_details: params.value } });
    }
    default:
      return refuse(`${path}.subType`, `${path}.subType must be quick_reply, url, flow, catalog or order_details`);
  }
}

function parameterList(path: string, list: TemplateParameterInput[] | undefined, allowMedia: boolean): Result<Record<string, unknown>[] | undefined> {
  if (list === undefined) return ok(undefined);
  if (!Array.isArray(list) || list.length === 0) return refuse(path, `${path}, when given, must be a non-empty array`);
  const out: Record<string, unknown>[] = [];
  for (const [i, p] of list.entries()) {
    const r = parameter(`${path}.${i}`, p, allowMedia);
    if (!r.ok) return r;
    out.push(r.value);
  }
  const named = out.filter((p) => p.parameter_name !== undefined).length;
  if (named !== 0 && named !== out.length) return refuse(path, `${path} must name all parameters or none`);
  return ok(out);
}

/** `now` is needed only for an order_details button (its expiration is checked against it). */
export function templateMessage(input: TemplateMessageInput, opts: { now?: Date } = {}): Built {
  if (!isPlainObject(input)) return refuse('name', 'template input is required');
  if (typeof input.name !== 'string' || !NAME.test(input.name)) return refuse('name', 'name must be a template name (a-z, 0-9, _)');
  if (typeof input.languageCode !== 'string' || !LANGUAGE.test(input.languageCode)) {
    return refuse('languageCode', 'languageCode must look like en or en_US');
  }
  const components: Record<string, unknown>[] = [];
  const header = parameterList('header', input.header, true);
  if (!header.ok) return header;
  if (header.value) {
    if (header.value.length > 1) return refuse('header', 'a template header takes one parameter');
    components.push({ type: 'header', parameters: header.value });
  }
  const body = parameterList('body', input.body, false);
  if (!body.ok) return body;
  if (body.value) components.push({ type: 'body', parameters: body.value });
  if (input.buttons !== undefined) {
    if (!Array.isArray(input.buttons)) return refuse('buttons', 'buttons must be an array');
    const seen = new Set<number>();
    for (const [i, b] of input.buttons.entries()) {
      const r = button(`buttons.${i}`, b, opts.now);
      if (!r.ok) return r;
      if (seen.has(b.index)) return refuse(`buttons.${i}.index`, 'button indexes must be unique');
      seen.add(b.index);
      components.push(r.value);
    }
  }
  const template: Record<string, unknown> = { name: input.name, language: { policy: 'deterministic', code: input.languageCode } };
  if (components.length > 0) template.components = components;
  return envelope(input, 'template', template);
}
