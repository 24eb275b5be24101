// order_status (whatsapp.md §3.4): moves the order bubble on after order_details. Meta's
// status spelling is the JSON one (partially_shipped); an unknown status is refused here
// rather than by an asynchronous error webhook later.
import { REFERENCE_ID_PATTERN } from '../../domain/ids.ts';
import { checkText, envelope, interactiveShell, LIMITS, refuse, type Built, type Envelope } from './message.common.ts';

export const ORDER_STATUSES = ['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled'] as const;
export type OrderStatusValue = (typeof ORDER_STATUSES)[number];

export interface OrderStatusMessageInput extends Envelope {
  referenceId: string;
  status: OrderStatusValue;
  description?: string;
  body: string;
  footer?: string;
  /** Brazil only: adds the payment label to the order bubble. */
  payment?: { status: 'pending' | 'captured' | 'failed'; timestamp: number };
}

export function orderStatusMessage(input: OrderStatusMessageInput): Built {
  if (typeof input !== 'object' || input === null) return refuse('status', 'order status is required');
  if (typeof input.referenceId !== 'string' || !REFERENCE_ID_PATTERN.test(input.referenceId)) {
    return refuse('referenceId', 'referenceId must be 1-35 characters of A-Z, a-z, 0-9, "_", "-" or "."');
  }
  if (!(ORDER_STATUSES as readonly string[]).includes(input.status)) {
    return refuse('status', `status must be one of ${ORDER_STATUSES.join(', ')}`);
  }
  const desc = checkText('description', input.description, LIMITS.orderStatusDescription, false);
  if (desc) return desc;
  const shell = interactiveShell('order_status', { body: input.body, footer: input.footer }, { body: true });
  if (!shell.ok) return shell;
  const order: Record<string, unknown> = { status: input.status };
  if (input.description !== undefined) order.description = input.description;
  const parameters: Record<string, unknown> = { reference_id: input.referenceId, order };
  if (input.payment !== undefined) {
    const p = input.payment;
    if (p?.status !== 'pending' && p?.status !== 'captured' && p?.status !== 'failed') {
      return refuse('payment.status', 'payment.status must be pending, captured or failed');
    }
    if (!Number.isSafeInteger(p.timestamp) || p.timestamp <= 0) return refuse('payment.timestamp', 'payment.timestamp must be unix seconds');
    parameters.payment = { status: p.status, timestamp: p.timestamp };
  }
  return envelope(input, 'interactive', { ...shell.value, action: { name: 'review_order', parameters } });
}
