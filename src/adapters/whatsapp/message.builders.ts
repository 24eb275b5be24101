// Pure builders for Cloud API request bodies. Each returns the full body or a
// validation_error (details.path) for anything Meta would refuse, so a bad message fails
// here, synchronously, instead of as a 131008/131009/100 from Meta or an error webhook.
// Bodies carry only fields Meta accepts. Shapes: whatsapp.md §1, §3, §4.
import { ok } from '../../domain/result.ts';
import { checkText, envelope, interactiveShell, isPlainObject, LIMITS, refuse, type Built, type Envelope } from './message.common.ts';

export { orderDetailsMessage, orderDetailsParameters } from './order-details.builder.ts';
export type { GoodsType, OrderDetailsInput, OrderDetailsMessageInput, OrderItemInput } from './order-details.builder.ts';
export { ORDER_STATUSES, orderStatusMessage } from './order-status.builder.ts';
export type { OrderStatusMessageInput, OrderStatusValue } from './order-status.builder.ts';
export { templateMessage } from './template.builder.ts';
export type { TemplateButtonInput, TemplateMessageInput, TemplateParameterInput } from './template.builder.ts';
export type { Built, Envelope } from './message.common.ts';

const HTTP_URL = /^https?:\/\/[^\s]+$/;
const ID = /^\d{1,32}$/;
// Flow CTAs may not contain emoji (whatsapp-api-js, from Meta's docs).
const EMOJI = /\p{Extended_Pictographic}/u;

export interface TextMessageInput extends Envelope {
  body: string;
  previewUrl?: boolean;
}

export function textMessage(input: TextMessageInput): Built {
  const bad = checkText('body', input?.body, LIMITS.textBody);
  if (bad) return bad;
  if (input.previewUrl !== undefined && typeof input.previewUrl !== 'boolean') return refuse('previewUrl', 'previewUrl must be a boolean');
  return envelope(input, 'text', { preview_url: input.previewUrl === true, body: input.body });
}

export interface CtaUrlMessageInput extends Envelope {
  body: string;
  displayText: string;
  url: string;
  header?: string;
  footer?: string;
}

export function ctaUrlMessage(input: CtaUrlMessageInput): Built {
  const shell = interactiveShell('cta_url', { header: input?.header, body: input?.body, footer: input?.footer }, { body: true });
  if (!shell.ok) return shell;
  const bad = checkText('displayText', input.displayText, LIMITS.ctaDisplayText);
  if (bad) return bad;
  if (typeof input.url !== 'string' || !HTTP_URL.test(input.url) || !URL.canParse(input.url)) {
    return refuse('url', 'url must be an http(s) URL');
  }
  return envelope(input, 'interactive', {
    ...shell.value,
    action: { name: 'cta_url', parameters: { display_text: input.displayText, url: input.url } },
  });
}

export interface ReplyButtonsMessageInput extends Envelope {
  body: string;
  header?: string;
  footer?: string;
  /** 1 to 3: the id comes back in the customer's `button_reply`; the title is what the button shows. */
  buttons: { id: string; title: string }[];
}

/** Reply buttons (`interactive.type: "button"`): whatsapp.md §1 (1–3 buttons, titles ≤ 20 characters and unique, ids ≤ 256). */
export function replyButtonsMessage(input: ReplyButtonsMessageInput): Built {
  const shell = interactiveShell('button', { header: input?.header, body: input?.body, footer: input?.footer }, { body: true });
  if (!shell.ok) return shell;
  const buttons = input.buttons;
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return refuse('buttons', 'buttons must hold 1 to 3 reply buttons');
  for (const [i, b] of buttons.entries()) {
    const bad = checkText(`buttons[${i}].title`, b?.title, LIMITS.replyButtonTitle) ?? checkText(`buttons[${i}].id`, b?.id, LIMITS.replyButtonId);
    if (bad) return bad;
    if (b.id.trim() !== b.id) return refuse(`buttons[${i}].id`, 'a reply button id may not start or end with a space');
  }
  if (new Set(buttons.map((b) => b.title)).size !== buttons.length) return refuse('buttons', 'reply button titles must be unique');
  return envelope(input, 'interactive', {
    ...shell.value,
    action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
  });
}

export interface AddressMessageInput extends Envelope {
  body: string;
  footer?: string;
  /** Meta's form is India-only (its address-messages guide, July 2026): IN. */
  country: 'IN';
  /** Prefills the form (Meta's field names: name, phone_number, in_pin_code, house_number, floor_number, tower_number, building_name, address, landmark_area, city, state). */
  values?: Record<string, string>;
  /** Per field, why the last answer was refused: WhatsApp shows it under the field. */
  validationErrors?: Record<string, string>;
}

/**
 * WhatsApp's address message: a form the customer fills in the chat, answered as an
 * `nfm_reply` named `address_message` whose response_json holds `values` (and
 * `saved_address_id` when they picked a saved one).
 */
export function addressMessage(input: AddressMessageInput): Built {
  const shell = interactiveShell('address_message', { body: input?.body, footer: input?.footer }, { body: true });
  if (!shell.ok) return shell;
  if (input.country !== 'IN') return refuse('country', 'address messages are available in India only (country IN)');
  const strings = (name: string, v: Record<string, string> | undefined) =>
    v !== undefined && (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string'))
      ? refuse(name, `${name} must map field names to text`)
      : undefined;
  const bad = strings('values', input.values) ?? strings('validationErrors', input.validationErrors);
  if (bad) return bad;
  const parameters: Record<string, unknown> = { country: input.country };
  if (input.values && Object.keys(input.values).length > 0) parameters.values = input.values;
  if (input.validationErrors && Object.keys(input.validationErrors).length > 0) parameters.validation_errors = input.validationErrors;
  return envelope(input, 'interactive', { ...shell.value, action: { name: 'address_message', parameters } });
}

export interface ProductMessageInput extends Envelope {
  catalogId: string;
  productRetailerId: string;
  body?: string;
  footer?: string;
}

/** Single product. No header: WhatsApp shows the product image. */
export function productMessage(input: ProductMessageInput): Built {
  const shell = interactiveShell('product', { body: input?.body, footer: input?.footer }, {});
  if (!shell.ok) return shell;
  if (typeof input.catalogId !== 'string' || !ID.test(input.catalogId)) return refuse('catalogId', 'catalogId must be a numeric id');
  const bad = checkText('productRetailerId', input.productRetailerId, 100);
  if (bad) return bad;
  return envelope(input, 'interactive', {
    ...shell.value,
    action: { catalog_id: input.catalogId, product_retailer_id: input.productRetailerId },
  });
}

export interface MediaMessageInput extends Envelope {
  /** A public http(s) URL WhatsApp fetches the file from. */
  link: string;
  caption?: string;
  /** Documents: the name the customer sees. */
  filename?: string;
}

/** An image or a document by link (captions ≤ 1,024 characters; audio and stickers take none). */
export function mediaMessage(kind: 'image' | 'document', input: MediaMessageInput): Built {
  if (typeof input?.link !== 'string' || !HTTP_URL.test(input.link) || input.link.length > 2048) return refuse('link', 'link must be an http(s) URL');
  const cap = checkText('caption', input.caption, 1024, false);
  if (cap) return cap;
  const media: Record<string, unknown> = { link: input.link };
  if (input.caption !== undefined) media.caption = input.caption;
  if (kind === 'document' && input.filename !== undefined) {
    const f = checkText('filename', input.filename, 240, false);
    if (f) return f;
    media.filename = input.filename;
  }
  return envelope(input, kind, media);
}

export interface CatalogMessageInput extends Envelope {
  body: string;
  footer?: string;
  /** The product whose image WhatsApp shows on the catalog message. */
  thumbnailProductRetailerId: string;
}

/** The whole catalog: a "View catalog" button (the number must have a catalog connected). */
export function catalogMessage(input: CatalogMessageInput): Built {
  const shell = interactiveShell('catalog_message', { body: input?.body, footer: input?.footer }, { body: true });
  if (!shell.ok) return shell;
  const bad = checkText('thumbnailProductRetailerId', input.thumbnailProductRetailerId, 100);
  if (bad) return bad;
  return envelope(input, 'interactive', {
    ...shell.value,
    action: { name: 'catalog_message', parameters: { thumbnail_product_retailer_id: input.thumbnailProductRetailerId } },
  });
}

export interface ProductListMessageInput extends Envelope {
  header: string;
  body: string;
  footer?: string;
  catalogId: string;
  sections: { title?: string; productRetailerIds: string[] }[];
}

/** Multi-product: ≤ 10 sections, ≤ 30 products in all, a title on every section when more than one. */
export function productListMessage(input: ProductListMessageInput): Built {
  const shell = interactiveShell('product_list', { header: input?.header, body: input?.body, footer: input?.footer }, { header: true, body: true });
  if (!shell.ok) return shell;
  if (typeof input.catalogId !== 'string' || !ID.test(input.catalogId)) return refuse('catalogId', 'catalogId must be a numeric id');
  const { sections } = input;
  if (!Array.isArray(sections) || sections.length === 0) return refuse('sections', 'at least one section is required');
  if (sections.length > LIMITS.productListSections) return refuse('sections', `at most ${LIMITS.productListSections} sections`);
  let count = 0;
  const wire: Record<string, unknown>[] = [];
  for (const [i, s] of sections.entries()) {
    const at = `sections.${i}`;
    if (!isPlainObject(s)) return refuse(at, `${at} must be an object`);
    const title = checkText(`${at}.title`, s.title, LIMITS.sectionTitle, sections.length > 1);
    if (title) return title;
    if (!Array.isArray(s.productRetailerIds) || s.productRetailerIds.length === 0) {
      return refuse(`${at}.productRetailerIds`, `${at} needs at least one product`);
    }
    for (const [j, id] of s.productRetailerIds.entries()) {
      const bad = checkText(`${at}.productRetailerIds.${j}`, id, 100);
      if (bad) return bad;
    }
    count += s.productRetailerIds.length;
    if (count > LIMITS.productListProducts) return refuse('sections', `at most ${LIMITS.productListProducts} products across all sections`);
    const section: Record<string, unknown> = {};
    if (s.title !== undefined) section.title = s.title;
    section.product_items = s.productRetailerIds.map((id) => ({ product_retailer_id: id }));
    wire.push(section);
  }
  return envelope(input, 'interactive', { ...shell.value, action: { catalog_id: input.catalogId, sections: wire } });
}

export interface FlowMessageInput extends Envelope {
  flowId?: string;
  flowName?: string;
  /** Opaque and unguessable: routes the data-endpoint calls and the nfm_reply back to us. */
  flowToken: string;
  flowCta: string;
  mode?: 'published' | 'draft';
  /** navigate (default) opens `screen` with `data`; data_exchange calls our endpoint with INIT. */
  flowAction?: 'navigate' | 'data_exchange';
  screen?: string;
  data?: Record<string, unknown>;
  header?: string;
  body: string;
  footer?: string;
}

export function flowMessage(input: FlowMessageInput): Built {
  const shell = interactiveShell('flow', { header: input?.header, body: input?.body, footer: input?.footer }, { body: true });
  if (!shell.ok) return shell;
  const byId = input.flowId !== undefined;
  if (byId === (input.flowName !== undefined)) return refuse('flowId', 'give exactly one of flowId or flowName');
  if (byId && (typeof input.flowId !== 'string' || !ID.test(input.flowId))) return refuse('flowId', 'flowId must be a numeric id');
  if (!byId) {
    const bad = checkText('flowName', input.flowName, 200);
    if (bad) return bad;
  }
  const token = checkText('flowToken', input.flowToken, 1024);
  if (token) return token;
  const cta = checkText('flowCta', input.flowCta, LIMITS.flowCta);
  if (cta) return cta;
  if (EMOJI.test(input.flowCta)) return refuse('flowCta', 'flowCta must not contain emoji');
  if (input.mode !== undefined && input.mode !== 'published' && input.mode !== 'draft') return refuse('mode', 'mode must be published or draft');
  const action = input.flowAction ?? 'navigate';
  if (action !== 'navigate' && action !== 'data_exchange') return refuse('flowAction', 'flowAction must be navigate or data_exchange');

  const parameters: Record<string, unknown> = { flow_message_version: '3', flow_token: input.flowToken };
  if (byId) parameters.flow_id = input.flowId;
  else parameters.flow_name = input.flowName;
  parameters.flow_cta = input.flowCta;
  if (input.mode !== undefined) parameters.mode = input.mode;
  parameters.flow_action = action;
  if (action === 'navigate') {
    const screen = checkText('screen', input.screen, 200);
    if (screen) return screen;
    if (!/^[A-Z0-9_]+$/i.test(input.screen as string)) return refuse('screen', 'screen must be a screen id');
    const payload: Record<string, unknown> = { screen: input.screen };
    if (input.data !== undefined) {
      if (!isPlainObject(input.data) || Object.keys(input.data).length === 0) return refuse('data', 'data, when given, must be a non-empty object');
      payload.data = input.data;
    }
    parameters.flow_action_payload = payload;
  } else if (input.screen !== undefined || input.data !== undefined) {
    // Meta takes flow_action_payload only with navigate; the endpoint picks the screen on INIT.
    return refuse('screen', 'screen and data apply only to flowAction navigate');
  }
  return envelope(input, 'interactive', { ...shell.value, action: { name: 'flow', parameters } });
}

/** Body for POST /messages that marks an inbound message read (and optionally shows typing). */
export function markReadBody(wamid: string, opts: { typingIndicator?: boolean } = {}): Built {
  if (typeof wamid !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(wamid)) return refuse('messageId', 'messageId must be a message id');
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
  if (opts.typingIndicator === true) body.typing_indicator = { type: 'text' };
  return ok(body);
}
