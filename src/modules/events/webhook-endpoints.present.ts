// Webhook endpoints, deliveries and attempts as API objects, and the body schema the
// create and update routes share. The secret appears only where a route passes it.
import { z } from 'zod';
import type { AttemptRow, DeliveryRow } from './webhook-deliveries.repository.ts';
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
