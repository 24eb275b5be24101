// POST /v1/messages: a person (or the merchant's system) writes to a customer. Checked before
// anything is queued: the customer exists and has not opted out (409 customer_opted_out),
// WhatsApp's 24-hour window (outside it only a template or the order's bill, sent as the
// merchant's bill template; else 422 window_closed naming the templates that can be used),
// and what our builders know Meta would refuse (400). Then queued in the request's
// transaction through the paced send queue; the conversation's automation pauses.
import { templateMessage } from '../../adapters/whatsapp/template.builder.ts';
import { mediaMessage, textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { getUpload } from './media-uploads.repository.ts';
import { mediaUrl } from './whatsapp.uploads.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { resolveCustomer, windowOpen, type CustomerRef } from '../customers/index.ts';
import type { MessageRow } from './whatsapp-messages.repository.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import { queueBillMessage } from './whatsapp.notify.ts';
import { queueMessage } from './whatsapp.outbox.ts';

export type MerchantMessage =
  | { customer: CustomerRef; type: 'text'; text: { body: string; preview_url?: boolean | undefined } }
  | {
      customer: CustomerRef;
      type: 'template';
      template: { name: string; language: string; parameters?: string[] | undefined };
    }
  | { customer: CustomerRef; type: 'order_bill'; order_bill: { order_id: string } }
  | { customer: CustomerRef; type: 'image'; image: MediaInput }
  | { customer: CustomerRef; type: 'document'; document: MediaInput & { filename?: string | undefined } };

export interface MediaInput {
  upload_id?: string | undefined;
  url?: string | undefined;
  caption?: string | undefined;
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
    const templates = usableTemplates(number);
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
  if (input.type === 'image' || input.type === 'document') {
    const m = input.type === 'image' ? input.image : input.document;
    let link = m.url;
    let filename = input.type === 'document' ? input.document.filename : undefined;
    if (m.upload_id !== undefined) {
      const u = await getUpload(tx, merchantId, m.upload_id);
      if (!u) return err(domainError('not_found', `No upload ${m.upload_id}`, { path: `${input.type}.upload_id` }));
      if (u.kind !== input.type)
        return err(
          domainError('validation_error', `${input.type}.upload_id: ${u.id} is a ${u.kind}, not a ${input.type}`, { path: `${input.type}.upload_id` }),
        );
      link = mediaUrl(ctx, u);
      filename ??= u.filename ?? undefined;
    }
    const media = mediaMessage(input.type, {
      ...address,
      link: link ?? '',
      ...(m.caption !== undefined ? { caption: m.caption } : {}),
      ...(filename !== undefined ? { filename } : {}),
    });
    if (!media.ok) return media;
    const row = await queueMessage(ctx, tx, { ...common, type: input.type, body: media.value, purpose: 'message' });
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
