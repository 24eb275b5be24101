// Shared by the webhook schema's tests: bodies in Meta's envelope around a value or one message.
import { expect } from 'vitest';
import { STATUS_DELIVERED } from './webhook.fixtures.ts';
import type { WebhookItem } from './webhook.schema.ts';

export const parse = (s: string): unknown => JSON.parse(s);
export const only = (items: WebhookItem[]): WebhookItem => {
  expect(items).toHaveLength(1);
  return items[0] as WebhookItem;
};

// The §5.3 envelope with statuses[0] swapped, as the reference describes.
export function withStatus(status: unknown): unknown {
  const body = parse(STATUS_DELIVERED) as { entry: { changes: { value: { statuses: unknown[] } }[] }[] };
  const value = body.entry[0]?.changes[0]?.value;
  if (value) value.statuses = [status];
  return body;
}

export function messagesBody(value: Record<string, unknown>, entryId = 'WABA1'): unknown {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: entryId,
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value },
          },
        ],
      },
    ],
  };
}

export const inbound = (message: Record<string, unknown>) =>
  messagesBody({
    contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
    messages: [{ from: '16505551234', id: 'wamid.IN', timestamp: '1750096325', ...message }],
  });
