// The message templates the sandbox "has approved": a small built-in set, plus any
// name the merchant lists in whatsapp_numbers.templates (its parameter count is then
// not checked). Anything else is 132001, like an unapproved template on Meta.
import { bad, okv, type Checked } from './wa.errors.ts';
import { invalid, isObj, missing, object, text, type Obj } from './wa.check.ts';
import { checkOrderParameters, type OrderCtx, type OrderDraft } from './wa.validate-order.ts';
import type { SandboxNumber } from '../host.ts';

export interface TemplateSpec {
  name: string;
  /** Empty: any language. */
  languages: string[];
  category: 'utility' | 'marketing' | 'authentication';
  body: string;
  /** Number of body parameters ({{1}}, {{2}}, …); undefined: not checked. */
  bodyParams: number | undefined;
  /** A button that needs a parameter (sub_type), if any. */
  button?: 'order_details' | 'flow' | 'url';
  /** Quick-reply buttons, by index: the text each shows (a send may give each a payload). */
  quickReplies?: string[];
}

const LANGS = ['en_US', 'en', 'en_GB'];

/** The built-in approved templates. Exported so adapters and tests can build valid sends. */
export const SANDBOX_TEMPLATES: readonly TemplateSpec[] = [
  { name: 'hello_world', languages: ['en_US'], category: 'utility', body: 'Hello World', bodyParams: 0 },
  { name: 'order_update', languages: LANGS, category: 'utility', body: 'Update on your order {{1}}: {{2}}', bodyParams: 2 },
  {
    name: 'order_details_checkout',
    languages: LANGS,
    category: 'utility',
    body: 'Your order {{1}} is ready. Tap below to review and pay.',
    bodyParams: 1,
    button: 'order_details',
  },
  { name: 'payment_link', languages: LANGS, category: 'utility', body: 'Your order {{1}} comes to {{2}}. Pay here: {{3}}', bodyParams: 3 },
  {
    name: 'cod_confirmation',
    languages: LANGS,
    category: 'utility',
    body: 'Your cash on delivery order {{1}} comes to {{2}}. Please confirm it.',
    bodyParams: 2,
    quickReplies: ['Confirm order', 'Cancel order'],
  },
  { name: 'payment_reminder', languages: LANGS, category: 'utility', body: 'A reminder: your order {{1}} is waiting for payment.', bodyParams: 1 },
  // The unpaid-bill reminder (Meta decides a template's category: it files reminders like this
  // one under marketing, so the per-user marketing limit, 131049, applies). Its URL button's
  // dynamic suffix is the pay link's token: https://…/pay/{{1}}.
  {
    name: 'bill_reminder',
    languages: ['en', 'en_US', 'en_GB', 'hi', 'pt_BR', 'es', 'id'],
    category: 'marketing',
    body: 'A reminder: your order {{1}} of {{2}} is still waiting for payment. Tap below to pay.',
    bodyParams: 2,
    button: 'url',
  },
  { name: 'flow_checkout', languages: LANGS, category: 'utility', body: 'Continue your order {{1}} here.', bodyParams: 1, button: 'flow' },
  // An authentication (copy-code) template: Meta refuses it to a BSUID recipient (131062).
  { name: 'login_code', languages: LANGS, category: 'authentication', body: '{{1}} is your verification code.', bodyParams: 1 },
];

function merchantTemplate(number: Pick<SandboxNumber, 'templates'>, name: string): TemplateSpec | undefined {
  for (const v of Object.values(number.templates ?? {})) {
    const n = typeof v === 'string' ? v : isObj(v) && typeof v['name'] === 'string' ? v['name'] : undefined;
    if (n !== name) continue;
    const o: Obj = isObj(v) ? v : {};
    const langs = typeof o['language'] === 'string' ? [o['language']] : [];
    const params = typeof o['body_params'] === 'number' ? o['body_params'] : undefined;
    return {
      name,
      languages: langs,
      category: o['category'] === 'marketing' || o['category'] === 'authentication' ? o['category'] : 'utility',
      body: '',
      bodyParams: params,
    };
  }
  return undefined;
}

export function findTemplate(number: Pick<SandboxNumber, 'templates'>, name: string): TemplateSpec | undefined {
  return SANDBOX_TEMPLATES.find((t) => t.name === name) ?? merchantTemplate(number, name);
}

export interface TemplateResult {
  spec: TemplateSpec;
  /** The body text with its parameters filled in (what the customer's phone shows). */
  rendered: string;
  order?: OrderDraft;
}

function paramText(p: Obj): string {
  if (p['type'] === 'text') return String(p['text'] ?? '');
  if (p['type'] === 'currency') return String(p['currency']?.['fallback_value'] ?? '');
  if (p['type'] === 'date_time') return String(p['date_time']?.['fallback_value'] ?? '');
  return String(p[p['type']] ?? '');
}

function render(spec: TemplateSpec | undefined, params: Obj[]): string {
  if (!spec?.body) return params.map(paramText).join(' · ');
  return spec.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => (params[Number(n) - 1] ? paramText(params[Number(n) - 1]!) : `{{${n}}}`));
}

/** What the customer's phone shows for a template message that was accepted. */
export function renderTemplate(number: Pick<SandboxNumber, 'templates'>, t: unknown): string {
  if (!isObj(t)) return '';
  const components: unknown[] = Array.isArray(t['components']) ? t['components'] : [];
  const params = components
    .filter((c): c is Obj => isObj(c) && String(c['type']).toLowerCase() === 'body')
    .flatMap((c) => (Array.isArray(c['parameters']) ? (c['parameters'] as unknown[]).filter(isObj) : []));
  return render(findTemplate(number, String(t['name'] ?? '')), params);
}

/**
 * The quick-reply buttons a template message shows, with the payload each answers (the send's
 * `payload` parameter, or the button's text, as on WhatsApp). A tap arrives as `type: "button"`.
 */
export function templateButtons(number: Pick<SandboxNumber, 'templates'>, t: unknown): { text: string; payload: string }[] {
  if (!isObj(t)) return [];
  const spec = findTemplate(number, String(t['name'] ?? ''));
  const texts = spec?.quickReplies ?? [];
  const components: unknown[] = Array.isArray(t['components']) ? t['components'] : [];
  return texts.map((text, i) => {
    const c = components.find(
      (x): x is Obj =>
        isObj(x) && String(x['type']).toLowerCase() === 'button' && String(x['sub_type']).toLowerCase() === 'quick_reply' && Number(x['index']) === i,
    );
    const p = Array.isArray(c?.['parameters']) ? (c['parameters'] as unknown[]).find((x): x is Obj => isObj(x) && x['type'] === 'payload') : undefined;
    return { text, payload: typeof p?.['payload'] === 'string' ? p['payload'] : text };
  });
}

export function checkTemplate(t: unknown, ctx: OrderCtx & { number: Pick<SandboxNumber, 'templates'> }): Checked<TemplateResult> {
  if (!isObj(t)) return { ok: false, error: object('template', t) ?? missing('template') };
  const nameBad = text('template.name', t['name'], 512);
  if (nameBad) return { ok: false, error: nameBad };
  const lang = t['language'];
  if (!isObj(lang)) return { ok: false, error: object('template.language', lang) ?? missing('template.language') };
  const code = lang['code'];
  if (typeof code !== 'string' || code === '') return { ok: false, error: missing('template.language.code') };
  const spec = findTemplate(ctx.number, t['name']);
  if (!spec || (spec.languages.length > 0 && !spec.languages.includes(code))) {
    return bad(132001, `template name (${t['name']}) does not exist in ${code}`);
  }
  const components = t['components'] ?? [];
  if (!Array.isArray(components)) return { ok: false, error: invalid('template.components', 'must be an array') };
  const bodyParams: Obj[] = [];
  let buttonParams: Obj | undefined;
  for (const [i, c] of components.entries()) {
    const path = `template.components[${i}]`;
    if (!isObj(c)) return { ok: false, error: invalid(path, 'must be an object') };
    const type = String(c['type'] ?? '').toLowerCase();
    if (!['header', 'body', 'footer', 'button'].includes(type)) return { ok: false, error: invalid(`${path}.type`, 'must be header, body, footer or button') };
    const params = c['parameters'] ?? [];
    if (!Array.isArray(params) || params.some((p) => !isObj(p) || typeof p['type'] !== 'string')) {
      return { ok: false, error: invalid(`${path}.parameters`, 'must be an array of objects with a type') };
    }
    if (type === 'body') bodyParams.push(...params);
    if (type === 'button' && String(c['sub_type'] ?? '').toLowerCase() === spec.button) buttonParams = params[0];
  }
  if (spec.bodyParams !== undefined && bodyParams.length !== spec.bodyParams) {
    return bad(132000, `body: number of localizable_params (${bodyParams.length}) does not match the expected number of params (${spec.bodyParams})`);
  }
  const rendered = render(spec, bodyParams);
  if (!spec.button) return okv({ spec, rendered });
  if (!buttonParams) return bad(132000, `buttons: number of params (0) does not match the expected number of params (1) for the ${spec.button} button`);
  if (spec.button === 'url') {
    // A URL button's dynamic part: one text parameter, appended to the template's URL.
    const suffix = buttonParams['text'];
    if (buttonParams['type'] !== 'text' || typeof suffix !== 'string' || suffix === '' || suffix.length > 2000)
      return { ok: false, error: invalid('template.components[button].parameters[0]', "must be {type: 'text', text} with the URL's dynamic suffix") };
    return okv({ spec, rendered });
  }
  if (spec.button !== 'order_details') return okv({ spec, rendered });
  const details = isObj(buttonParams['action']) ? buttonParams['action']['order_details'] : undefined;
  if (!isObj(details)) return { ok: false, error: missing('template.components[button].parameters[0].action.order_details') };
  const order = checkOrderParameters(details, ctx);
  return order.ok ? okv({ spec, rendered, order: order.value }) : order;
}

/** A template's id as the sandbox lists it (stable: derived from name and language). */
export function sandboxTemplateId(name: string, language: string): string {
  let h = 0;
  for (const c of `${name}:${language}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return String(1_000_000_000 + h);
}

/**
 * The refusal Meta gives a template that is not approved (a status a test set), or null.
 */
export function templateRefusal(statuses: Record<string, { status: string }> | undefined, name: string, language: string) {
  const status = statuses?.[`${name}:${language}`]?.status;
  if (!status || status === 'APPROVED') return null;
  if (status === 'PAUSED') return bad(132015, `template ${name} (${language}) is paused`);
  if (status === 'DISABLED') return bad(132016, `template ${name} (${language}) is disabled`);
  return bad(132001, `template name (${name}) does not exist in ${language}: its status is ${status}`);
}

/**
 * GET /{waba_id}/message_templates as the sandbox answers it: the built-in templates (one
 * entry per language) and the names the number lists, APPROVED unless a test set another
 * status (PUT /sandbox/whatsapp/templates/{phone_number_id}), in Meta's shape, paged
 * with cursors like Meta (`limit`, `after`).
 */
export function listTemplates(
  n: SandboxNumber,
  o: { limit: number; after?: string | undefined; statuses?: Record<string, { status: string; reason: string | null }> | undefined },
) {
  const rows: Obj[] = [];
  const seen = new Set<string>();
  const add = (name: string, language: string, category: string, body: string) => {
    const key = `${name}:${language}`;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({
      id: sandboxTemplateId(name, language),
      name,
      language,
      status: o.statuses?.[key]?.status ?? 'APPROVED',
      category: category.toUpperCase(),
      components: [{ type: 'BODY', text: body }],
    });
  };
  for (const t of SANDBOX_TEMPLATES) for (const l of t.languages.length ? t.languages : ['en_US']) add(t.name, l, t.category, t.body);
  for (const v of Object.values(n.templates ?? {})) {
    const t = v as { name?: unknown; language?: unknown };
    if (typeof t?.name === 'string') add(t.name, typeof t.language === 'string' ? t.language : 'en_US', 'utility', `(${t.name})`);
  }
  const start = o.after ? Number(Buffer.from(o.after, 'base64url').toString()) || 0 : 0;
  const page = rows.slice(start, start + o.limit);
  const next = start + o.limit < rows.length ? Buffer.from(String(start + o.limit)).toString('base64url') : undefined;
  return {
    data: page,
    paging: { cursors: { before: Buffer.from(String(start)).toString('base64url'), ...(next ? { after: next } : {}) }, ...(next ? { next: 'sandbox' } : {}) },
  };
}
