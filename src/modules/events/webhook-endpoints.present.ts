// Webhook endpoints, deliveries and attempts as API objects, and the body schema the
// create and update routes share. The secret appears only where a route passes it.
import { z } from 'zod';
import type { AttemptRow, DeliveryRow, DeliveryWithEndpointRow } from './webhook-deliveries.repository.ts';
import type { EndpointRow } from './webhook-endpoints.repository.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const endpointFields = {
  url: z.string().min(1).max(2000),
  // Types (order.paid), namespaces (refund.*) or '*'; checked against what we send in app/.
  events: z.array(z.string().min(1).max(100)).min(1).max(100),
  description: z.string().max(500),
  enabled: z.boolean(),
};

export const tags = ['webhook_endpoints'];

export function presentEndpoint(e: EndpointRow, secret?: string) {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabled_reason: e.disabled_reason,
    disabled_at: iso(e.disabled_at),
    failing_since: iso(e.failing_since),
    last_success_at: iso(e.last_success_at),
    ...(secret === undefined ? {} : { secret }),
    created_at: iso(e.created_at),
    updated_at: iso(e.updated_at),
  };
}

export function presentDelivery(d: DeliveryRow) {
  return {
    id: d.id,
    object: 'webhook_delivery',
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    round: d.round,
    attempts: d.attempts,
    next_attempt_at: iso(d.next_attempt_at),
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    delivered_at: iso(d.delivered_at),
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}

export function presentAttempt(a: AttemptRow) {
  return {
    id: a.id,
    object: 'webhook_attempt',
    endpoint_id: a.endpoint_id,
    delivery_id: a.delivery_id,
    event_id: a.event_id,
    event_type: a.event_type,
    round: a.round,
    attempt: a.attempt,
    url: a.url,
    status_code: a.status_code,
    latency_ms: a.latency_ms,
    response_excerpt: a.response_excerpt,
    error: a.error,
    created_at: iso(a.created_at),
  };
}

const time = z.string().nullable();

/** A delivery in the merchant-wide list: the delivery with its endpoint's id, URL and state. */
export const deliveryWithEndpointSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  endpoint_id: z.string(),
  endpoint: z.object({ id: z.string(), url: z.string(), enabled: z.boolean() }),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'skipped']),
  round: z.number().int().describe('0 for the first round; a replay starts the next'),
  attempts: z.number().int().describe('Attempts in this round'),
  next_attempt_at: time.describe('When the next attempt is due (null when none is: delivered, failed or skipped)'),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: time,
  created_at: z.string(),
  updated_at: z.string().describe('The last attempt or change'),
});

export const deliveryListSchema = z.object({ object: z.literal('list'), data: z.array(deliveryWithEndpointSchema), has_more: z.boolean() });

export function presentDeliveryWithEndpoint(d: DeliveryWithEndpointRow): z.infer<typeof deliveryWithEndpointSchema> {
  return {
    ...presentDelivery(d),
    object: 'webhook_delivery',
    created_at: iso(d.created_at)!,
    updated_at: iso(d.updated_at)!,
    endpoint: { id: d.endpoint_id, url: d.endpoint_url, enabled: d.endpoint_enabled },
  };
}
