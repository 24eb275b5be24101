// POST /v1/messages: a person (or the merchant's system) writes to a customer. Checked before
// anything is queued: the customer exists and has not opted out (409 customer_opted_out),
// WhatsApp's 24-hour window (outside it only a template or the order's bill, sent as the
// merchant's bill template; else 422 window_closed naming the templates that can be used),
// and what our builders know Meta would refuse (400). Then queued in the request's
// transaction through the paced send queue; the conversation's automation pauses.
import { templateMessage } from '../../adapters/whatsapp/template.builder.ts';
import { catalogMessage, mediaMessage, productListMessage, productMessage, textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { addressOf, type Envelope } from '../../adapters/whatsapp/message.common.ts';
import { firstActiveProduct, getProductsByRetailerIds } from '../catalog/index.ts';
import { getUpload } from './media-uploads.repository.ts';
import { mediaUrl } from './whatsapp.uploads.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { resolveCustomer, windowOpen, type CustomerRef } from '../customers/index.ts';
import type { MessageRow } from './whatsapp-messages.repository.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import { queueBillMessage } from './whatsapp.notify.ts';
import { approvedTemplates } from './whatsapp.templates.ts';
import { queueMessage } from './whatsapp.outbox.ts';

export type MerchantMessage =
  | { customer: CustomerRef; type: 'text'; text: { body: string; preview_url?: boolean | undefined } }
  | {
      customer: CustomerRef;
      type: 'template';
      template: { name: string; language: string; parameters?: string[] | undefined };
    }
  | { customer: CustomerRef; type: 'order_bill'; order_bill: { order_id: string } }
  | { customer: CustomerRef; type: 'product'; product: { retailer_id: string; body?: string | undefined; footer?: string | undefined } }
  | {
      customer: CustomerRef;
      type: 'product_list';
      product_list: {
        header: string;
        body?: string | undefined;
        footer?: string | undefined;
        sections: { title?: string | undefined; retailer_ids: string[] }[];
      };
    }
  | { customer: CustomerRef; type: 'catalog'; catalog: { body: string; footer?: string | undefined; thumbnail_retailer_id?: string | undefined } }
  | { customer: CustomerRef; type: 'image'; image: MediaInput }
  | { customer: CustomerRef; type: 'document'; document: MediaInput & { filename?: string | undefined } };

export interface MediaInput {
  upload_id?: string | undefined;
  url?: string | undefined;
  caption?: string | undefined;
}

type CatalogMessage = Extract<MerchantMessage, { type: 'product' | 'product_list' | 'catalog' }>;

/**
 * What WhatsApp would refuse about a catalog message that we can know now: the number has
 * no catalog, a product we do not have or that is inactive, a product twice. The limits
 * (sections, products, lengths) are the route's schema and the builders'.
 */
async function buildCatalogMessage(
  tx: Tx,
  merchantId: string,
  number: WhatsAppNumberRow,
  address: Envelope,
  input: CatalogMessage,
): Promise<Result<Record<string, unknown>>> {
  const catalogId = number.catalog_id;
  if (!catalogId) return err(domainError('conflict', 'This WhatsApp number has no catalog linked: set catalog_id in PATCH /v1/settings/whatsapp'));
  let thumbnail = input.type === 'catalog' ? input.catalog.thumbnail_retailer_id : undefined;
  if (input.type === 'catalog' && thumbnail === undefined) {
    thumbnail = (await firstActiveProduct(tx, merchantId))?.retailer_id;
    if (thumbnail === undefined) return err(domainError('validation_error', 'The catalog has no active product to show as the thumbnail', { path: 'catalog' }));
  }
  const wanted =
    input.type === 'product'
      ? [{ path: 'product.retailer_id', id: input.product.retailer_id }]
      : input.type === 'product_list'
        ? input.product_list.sections.flatMap((s, i) => s.retailer_ids.map((id, j) => ({ path: `product_list.sections.${i}.retailer_ids.${j}`, id })))
        : [{ path: 'catalog.thumbnail_retailer_id', id: thumbnail! }];
  const seen = new Set<string>();
  for (const w of wanted) {
    if (seen.has(w.id)) return err(domainError('validation_error', `${w.path}: ${w.id} is already in this message`, { path: w.path }));
    seen.add(w.id);
  }
  const found = new Map((await getProductsByRetailerIds(tx, merchantId, [...seen])).map((p) => [p.retailer_id, p]));
  const missing = wanted.filter((w) => !found.get(w.id)?.active);
  if (missing.length) {
    const first = missing[0]!;
    return err(
      domainError('validation_error', `${first.path}: ${found.has(first.id) ? 'the product is inactive' : 'no product with this retailer_id in the catalog'}`, {
        path: first.path,
        retailer_ids: missing.map((m) => m.id),
      }),
    );
  }
  const built =
    input.type === 'product'
      ? productMessage({
          ...address,
          catalogId,
          productRetailerId: input.product.retailer_id,
          ...optional({ body: input.product.body, footer: input.product.footer }),
        })
      : input.type === 'product_list'
        ? productListMessage({
            ...address,
            catalogId,
            header: input.product_list.header,
            // Meta requires a body; the header stands in when none is given.
            body: input.product_list.body ?? input.product_list.header,
            ...optional({ footer: input.product_list.footer }),
            sections: input.product_list.sections.map((s) => ({ ...optional({ title: s.title }), productRetailerIds: s.retailer_ids })),
          })
        : catalogMessage({ ...address, body: input.catalog.body, thumbnailProductRetailerId: thumbnail!, ...optional({ footer: input.catalog.footer }) });
  return built;
}

function optional<T extends Record<string, unknown>>(o: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}

/** The templates a closed window allows: the ones configured on the number (bill, order_update, reminders…). */
export function usableTemplates(n: WhatsAppNumberRow): { name: string; language: string }[] {
  const out = new Map<string, { name: string; language: string }>();
  for (const v of Object.values(n.templates ?? {})) {
    const t = v as { name?: unknown; language?: unknown };
    if (typeof t?.name === 'string')
      out.set(`${t.name}:${String(t.language ?? '')}`, { name: t.name, language: typeof t.language === 'string' ? t.language : 'en_US' });
  }
  return [...out.values()];
}

export async function sendMerchantMessage(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, input: MerchantMessage): Promise<Result<MessageRow>> {
  const number = await getNumberByMerchant(tx, merchantId);
  if (!number) return err(domainError('conflict', 'This merchant has no WhatsApp number'));
  const resolved = await resolveCustomer(ctx, tx, merchantId, input.customer, { create: true });
  if (!resolved.ok) return resolved;
  const customer = resolved.value;
  if (customer.opted_out_at) {
    return err(
      domainError('customer_opted_out', 'This customer opted out of messages; they can opt in again by sending START', {
        customer_id: customer.id,
        opted_out_at: customer.opted_out_at.toISOString(),
      }),
    );
  }
  const address = addressOf(customer);
  if (!address) return err(domainError('unprocessable', 'This customer has neither a phone number nor a business-scoped user id: WhatsApp cannot reach them'));
  const open = windowOpen(customer.last_inbound_at, ctx.clock.now());
  if (!open && input.type !== 'template' && input.type !== 'order_bill') {
    // The stored approved templates (kept current by the status webhook); the configured names
    // until the merchant's templates were first read from WhatsApp.
    const templates = (await approvedTemplates(tx, number)) ?? usableTemplates(number);
    return err(
      domainError(
        'window_closed',
        `More than 24 hours since the customer last wrote: only a template or an order's bill can be sent${templates.length ? ` (templates: ${templates.map((t) => t.name).join(', ')})` : ''}`,
        { window_expires_at: customer.last_inbound_at ? new Date(customer.last_inbound_at.getTime() + 24 * 3600_000).toISOString() : null, templates },
      ),
    );
  }
  const common = { merchantId, customerId: customer.id, staff: true, sentBy: actor.id, essential: true } as const;
  if (input.type === 'order_bill')
    return queueBillMessage(ctx, tx, merchantId, input.order_bill.order_id, customer.id, { staff: true, sentBy: actor.id, windowOpen: open });
  if (input.type === 'product' || input.type === 'product_list' || input.type === 'catalog') {
    const built = await buildCatalogMessage(tx, merchantId, number, address, input);
    if (!built.ok) return built;
    const row = await queueMessage(ctx, tx, { ...common, type: 'interactive', body: built.value, purpose: input.type === 'catalog' ? 'catalog' : input.type });
    return row ? ok(row) : err(domainError('conflict', 'This merchant has no WhatsApp number'));
  }
  if (input.type === 'image' || input.type === 'document') {
    const m = input.type === 'image' ? input.image : input.document;
    let link = m.url;
    let filename = input.type === 'document' ? input.document.filename : undefined;
    let uploadId: string | undefined;
    if (m.upload_id !== undefined) {
      const u = await getUpload(tx, merchantId, m.upload_id);
      if (!u) return err(domainError('not_found', `No upload ${m.upload_id}`, { path: `${input.type}.upload_id` }));
      if (u.kind !== input.type)
        return err(
          domainError('validation_error', `${input.type}.upload_id: ${u.id} is a ${u.kind}, not a ${input.type}`, { path: `${input.type}.upload_id` }),
        );
      link = mediaUrl(ctx, u);
      uploadId = u.id;
      filename ??= u.filename ?? undefined;
    }
    const media = mediaMessage(input.type, {
      ...address,
      link: link ?? '',
      ...(m.caption !== undefined ? { caption: m.caption } : {}),
      ...(filename !== undefined ? { filename } : {}),
    });
    if (!media.ok) return media;
    const row = await queueMessage(ctx, tx, { ...common, type: input.type, body: media.value, purpose: 'message', ...(uploadId ? { uploadId } : {}) });
    return row ? ok(row) : err(domainError('conflict', 'This merchant has no WhatsApp number'));
  }
  const built =
    input.type === 'text'
      ? textMessage({ ...address, body: input.text.body, ...(input.text.preview_url !== undefined ? { previewUrl: input.text.preview_url } : {}) })
      : templateMessage({
          ...address,
          name: input.template.name,
          languageCode: input.template.language,
          ...(input.template.parameters?.length ? { body: input.template.parameters.map((text) => ({ type: 'text' as const, text })) } : {}),
        });
  if (!built.ok) return built;
  const row = await queueMessage(ctx, tx, { ...common, type: input.type, body: built.value, purpose: 'message' });
  return row ? ok(row) : err(domainError('conflict', 'This merchant has no WhatsApp number'));
}
