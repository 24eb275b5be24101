// A stream row as the client sees it: a type and the ids of what changed, never the object
// (clients read it through the API, where the role rules apply).
import type { StreamRow } from './stream.repository.ts';

const OUR_ID = /^[a-z]{3}_[0-9A-Za-z]{26}$/;

export interface StreamMessage {
  type: string;
  data: Record<string, string>;
}

export function presentStreamRow(r: StreamRow): StreamMessage {
  if (r.type === 'message.status')
    return { type: r.type, data: { type: r.type, message_id: r.subject_id!, ...(r.conversation_id ? { conversation_id: r.conversation_id } : {}) } };
  if (r.type === 'conversation.updated') return { type: r.type, data: { type: r.type, conversation_id: r.subject_id! } };
  const data: Record<string, string> = { type: r.type, event_id: r.id };
  if (r.order_id) data['order_id'] = r.order_id;
  // The ids the event names (payment_id, refund_id, booking_id, message_id, conversation_id…):
  // our own ids only, never a wamid, a phone number or a provider's id.
  for (const [k, v] of Object.entries(r.data ?? {})) {
    if (k.endsWith('_id') && typeof v === 'string' && OUR_ID.test(v)) data[k] = v;
  }
  const customer = r.data?.['customer'] as { id?: unknown } | null | undefined;
  if (customer && typeof customer.id === 'string' && OUR_ID.test(customer.id)) data['customer_id'] = customer.id;
  return { type: r.type, data };
}
