// Inbound webhook envelope and the flattening of a (possibly batched) POST into items.
// Meta batches up to 1,000 updates per POST, across several entries and changes, and
// retries for days: every entry and change is read (whatsapp-api-js reads only the first),
// and every item carries a dedupeKey so a retried delivery is recognised.
import crypto from 'node:crypto';
import { z } from 'zod';
import { parseInboundMessage, parseWebhookErrors, type InboundMessage, type WebhookError } from './webhook.messages.ts';

export type { InboundMessage, InboundOrderItem, MessageContext, WebhookError } from './webhook.messages.ts';
export { parseInboundMessage } from './webhook.messages.ts';

const str = z.string();
const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

export const webhookChange = z.looseObject({ field: str, value: z.unknown() });
export const webhookEntry = z.looseObject({ id: str.optional(), time: z.number().optional(), changes: z.array(webhookChange) });
export const webhookBody = z.looseObject({ object: str, entry: z.array(webhookEntry) });
export type WebhookBody = z.infer<typeof webhookBody>;

export const messagesValue = z.looseObject({
  messaging_product: str.optional(),
  metadata: z.looseObject({ display_phone_number: str.optional(), phone_number_id: str.optional() }).optional(),
  contacts: z
    .array(
      z.looseObject({ wa_id: str.optional(), user_id: str.optional(), profile: z.looseObject({ name: str.optional(), username: str.optional() }).optional() }),
    )
    .optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

const statusSchema = z.looseObject({
  id: str.min(1),
  status: str.min(1),
  timestamp: z.union([str, z.number()]).transform(String),
  recipient_id: str.optional(),
  recipient_user_id: str.optional(),
  recipient_type: str.optional(),
  biz_opaque_callback_data: str.optional(),
  errors: z.array(z.unknown()).optional(),
  conversation: z
    .looseObject({ id: str.optional(), expiration_timestamp: intLike.optional(), origin: z.looseObject({ type: str.optional() }).optional() })
    .optional(),
  pricing: z.looseObject({ pricing_model: str.optional(), type: str.optional(), category: str.optional(), billable: z.boolean().optional() }).optional(),
});

const paymentStatusSchema = z.looseObject({
  id: str.optional(),
  status: str.min(1),
  type: z.literal('payment'),
  timestamp: z.union([str, z.number()]).transform(String).optional(),
  recipient_id: str.optional(),
  from: str.optional(),
  payment: z.looseObject({
    reference_id: str.min(1),
    amount: z.looseObject({ value: intLike, offset: intLike }).optional(),
    currency: str.optional(),
    transaction: z
      .looseObject({
        id: str.optional(),
        pg_transaction_id: str.nullish(),
        type: str.nullish(),
        status: str.optional(),
        created_timestamp: intLike.optional(),
        updated_timestamp: intLike.optional(),
        // Meta sends null for what a transaction does not have; what we do not need never fails the item.
        method: z.looseObject({ type: str.nullish() }).nullish().catch(undefined),
        error: z
          .looseObject({ code: z.union([str, z.number()]).nullish(), reason: str.nullish() })
          .nullish()
          .catch(undefined),
      })
      .optional(),
  }),
});
export type PaymentStatusPayload = z.infer<typeof paymentStatusSchema>;

const paymentConfigurationSchema = z.looseObject({
  configuration_name: str,
  provider_name: str.optional(),
  provider_mid: str.optional(),
  status: str.optional(),
  created_timestamp: intLike.optional(),
  updated_timestamp: intLike.optional(),
});
export type PaymentConfigurationUpdate = z.infer<typeof paymentConfigurationSchema>;

/** message_template_status_update: a template was approved, rejected, paused, disabled… */
const templateStatusSchema = z.looseObject({
  event: str.min(1).max(64),
  message_template_id: z
    .union([z.number().int(), str.max(64)])
    .transform(String)
    .optional(),
  message_template_name: str.min(1).max(512),
  message_template_language: str.min(1).max(32),
  reason: str.max(2000).nullish(),
  message_template_category: str.max(64).nullish(),
});
export type TemplateStatusUpdate = z.infer<typeof templateStatusSchema>;

export interface MessageStatus {
  id: string;
  status: string;
  timestamp: string;
  recipientId?: string;
  /** The recipient's business-scoped user id (BSUID), on sent/delivered/read since 2026. */
  recipientUserId?: string;
  bizOpaqueCallbackData?: string;
  errors: WebhookError[];
  conversation?: z.infer<typeof statusSchema>['conversation'];
  pricing?: z.infer<typeof statusSchema>['pricing'];
}

interface Base {
  entryId?: string;
  /** entry[].time where Meta sends it (e.g. payment_configuration_update); part of hashed keys. */
  entryTime?: number;
  field: string;
  dedupeKey: string;
}
interface Routed extends Base {
  phoneNumberId?: string;
  displayPhoneNumber?: string;
}

export type WebhookItem =
  | (Routed & { kind: 'message'; contact?: { waId?: string; userId?: string; name?: string; username?: string }; message: InboundMessage; raw: unknown })
  | (Routed & { kind: 'status'; status: MessageStatus; raw: unknown })
  | (Routed & { kind: 'payment_status'; payment: PaymentStatusPayload; raw: unknown })
  | (Base & { kind: 'payment_configuration_update'; update: PaymentConfigurationUpdate; raw: unknown })
  | (Base & { kind: 'template_status'; update: TemplateStatusUpdate; raw: unknown })
  | (Routed & { kind: 'error'; error: WebhookError; raw: unknown })
  | (Base & { kind: 'other'; reason: string; value: unknown });

type Unkeyed<T> = T extends unknown ? Omit<T, 'dedupeKey'> : never;

function hashKey(item: Unkeyed<WebhookItem>): string {
  return crypto.createHash('sha256').update(JSON.stringify(item)).digest('hex');
}

function keyed(item: Unkeyed<WebhookItem>): WebhookItem {
  let dedupeKey: string;
  if (item.kind === 'message') dedupeKey = `msg:${item.message.id}`;
  else if (item.kind === 'status') dedupeKey = `st:${item.status.id}:${item.status.status}`;
  else if (item.kind === 'payment_status') {
    const p = item.payment;
    dedupeKey = `pay:${p.payment.reference_id}:${p.status}:${p.payment.transaction?.id ?? ''}`;
  } else dedupeKey = hashKey(item);
  return { ...item, dedupeKey } as WebhookItem;
}

function messageItems(base: Omit<Base, 'dedupeKey'>, value: unknown, out: WebhookItem[]): void {
  const v = messagesValue.safeParse(value);
  if (!v.success) {
    out.push(keyed({ ...base, kind: 'other', reason: 'unreadable_messages_value', value }));
    return;
  }
  const routed: Omit<Routed, 'dedupeKey'> = { ...base };
  if (v.data.metadata?.phone_number_id !== undefined) routed.phoneNumberId = v.data.metadata.phone_number_id;
  if (v.data.metadata?.display_phone_number !== undefined) routed.displayPhoneNumber = v.data.metadata.display_phone_number;
  const contacts = v.data.contacts ?? [];
  const before = out.length;

  for (const raw of v.data.messages ?? []) {
    const message = parseInboundMessage(raw);
    if (message === undefined) {
      out.push(keyed({ ...base, kind: 'other', reason: 'unreadable_message', value: raw }));
      continue;
    }
    const c =
      contacts.find((x) => x.user_id !== undefined && x.user_id === message.fromUserId) ??
      contacts.find((x) => x.wa_id !== undefined && x.wa_id === message.from) ??
      (contacts.length === 1 ? contacts[0] : undefined);
    const item: Unkeyed<WebhookItem> & { kind: 'message' } = { ...routed, kind: 'message', message, raw };
    if (c !== undefined) {
      const contact: { waId?: string; userId?: string; name?: string; username?: string } = {};
      if (c.wa_id !== undefined) contact.waId = c.wa_id;
      if (c.user_id !== undefined) contact.userId = c.user_id;
      if (c.profile?.name !== undefined) contact.name = c.profile.name;
      if (c.profile?.username !== undefined) contact.username = c.profile.username;
      item.contact = contact;
    }
    out.push(keyed(item));
  }

  for (const raw of v.data.statuses ?? []) {
    if ((raw as { type?: unknown } | null)?.type === 'payment') {
      const p = paymentStatusSchema.safeParse(raw);
      out.push(
        keyed(
          p.success ? { ...routed, kind: 'payment_status', payment: p.data, raw } : { ...base, kind: 'other', reason: 'unreadable_payment_status', value: raw },
        ),
      );
      continue;
    }
    const s = statusSchema.safeParse(raw);
    if (!s.success) {
      out.push(keyed({ ...base, kind: 'other', reason: 'unreadable_status', value: raw }));
      continue;
    }
    const d = s.data;
    const status: MessageStatus = { id: d.id, status: d.status, timestamp: d.timestamp, errors: parseWebhookErrors(d.errors) };
    if (d.recipient_id !== undefined) status.recipientId = d.recipient_id;
    if (d.recipient_user_id !== undefined) status.recipientUserId = d.recipient_user_id;
    if (d.biz_opaque_callback_data !== undefined) status.bizOpaqueCallbackData = d.biz_opaque_callback_data;
    if (d.conversation !== undefined) status.conversation = d.conversation;
    if (d.pricing !== undefined) status.pricing = d.pricing;
    out.push(keyed({ ...routed, kind: 'status', status, raw }));
  }

  for (const raw of v.data.errors ?? []) {
    const [error] = parseWebhookErrors([raw]);
    out.push(keyed(error ? { ...routed, kind: 'error', error, raw } : { ...base, kind: 'other', reason: 'unreadable_error', value: raw }));
  }

  if (out.length === before) out.push(keyed({ ...base, kind: 'other', reason: 'empty_messages_value', value }));
}

/**
 * Flattens every entry and change of a webhook POST into items. Never throws: anything it
 * cannot read becomes an `other` item holding the unread part whole, so nothing is dropped.
 */
export function extractItems(body: unknown): WebhookItem[] {
  const parsed = webhookBody.safeParse(body);
  if (!parsed.success) return [keyed({ field: '', kind: 'other', reason: 'invalid_envelope', value: body })];
  const out: WebhookItem[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const base: Omit<Base, 'dedupeKey'> = { field: change.field };
      if (entry.id !== undefined) base.entryId = entry.id;
      if (entry.time !== undefined) base.entryTime = entry.time;
      if (change.field === 'messages') {
        messageItems(base, change.value, out);
      } else if (change.field === 'payment_configuration_update') {
        const u = paymentConfigurationSchema.safeParse(change.value);
        out.push(
          keyed(
            u.success
              ? { ...base, kind: 'payment_configuration_update', update: u.data, raw: change.value }
              : { ...base, kind: 'other', reason: 'unreadable_payment_configuration_update', value: change.value },
          ),
        );
      } else if (change.field === 'message_template_status_update') {
        const u = templateStatusSchema.safeParse(change.value);
        out.push(
          keyed(
            u.success
              ? { ...base, kind: 'template_status', update: u.data, raw: change.value }
              : { ...base, kind: 'other', reason: 'unreadable_message_template_status_update', value: change.value },
          ),
        );
      } else {
        // Other fields (flows, account_update, ...) are kept whole.
        out.push(keyed({ ...base, kind: 'other', reason: `field:${change.field}`, value: change.value }));
      }
    }
  }
  return out;
}
