// Webhook endpoints, deliveries and attempts as API objects, and the body schema the
// create and update routes share. The secret appears only where a route passes it.
import { z } from 'zod';
import { isoTime, listOf } from '../../platform/http/page.ts';
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

const time = z.string().nullable();

export const endpointSchema = z
  .object({
    id: z.string().describe('whe_…'),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()).nullable().describe('Types (order.paid), namespaces (refund.*) or *; null: every business event'),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    disabled_at: time,
    failing_since: time,
    last_success_at: time,
    secret: z.string().optional().describe('whsec_…: only in the answers of create and rotate-secret'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'WebhookEndpoint', description: 'An endpoint for signed business events (Standard Webhooks)' });

export const endpointListSchema = listOf(endpointSchema);

export const endpointDeletedSchema = z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) });

export function presentEndpoint(e: EndpointRow, secret?: string): z.infer<typeof endpointSchema> {
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
    created_at: iso(e.created_at)!,
    updated_at: iso(e.updated_at)!,
  };
}

const deliveryStatus = z.enum(['pending', 'delivered', 'failed', 'skipped']);

export const deliverySchema = z
  .object({
    id: z.string().describe('whd_…'),
    object: z.literal('webhook_delivery'),
    endpoint_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: deliveryStatus,
    round: z.number().int().describe('0 for the first round; a replay starts the next'),
    attempts: z.number().int().describe('Attempts in this round'),
    next_attempt_at: time.describe('When the next attempt is due (null when none is: delivered, failed or skipped)'),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    delivered_at: time,
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'WebhookDelivery', description: 'One event for one endpoint, and how its attempts went' });

export const deliveryListSchema = listOf(deliverySchema);

export function presentDelivery(d: DeliveryRow): z.infer<typeof deliverySchema> {
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
    created_at: iso(d.created_at)!,
    updated_at: iso(d.updated_at)!,
  };
}

export const attemptSchema = z
  .object({
    id: z.string(),
    object: z.literal('webhook_attempt'),
    endpoint_id: z.string(),
    delivery_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    round: z.number().int(),
    attempt: z.number().int(),
    url: z.string(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number(),
    response_excerpt: z.string().nullable().describe('The first KB of the answer'),
    error: z.string().nullable(),
    created_at: isoTime,
  })
  .meta({ id: 'WebhookAttempt', description: 'One attempt to deliver a webhook' });

export const attemptListSchema = listOf(attemptSchema);

export const replaySchema = z.object({
  object: z.literal('webhook_replay'),
  endpoint_id: z.string(),
  replayed: z.number().int(),
  event_ids: z.array(z.string()).describe('The first 100 replayed event ids'),
});

export function presentAttempt(a: AttemptRow): z.infer<typeof attemptSchema> {
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
    created_at: iso(a.created_at)!,
  };
}

/** A delivery in the merchant-wide list: the delivery with its endpoint's id, URL and state. */
export const deliveryWithEndpointSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_delivery'),
  endpoint_id: z.string(),
  endpoint: z.object({ id: z.string(), url: z.string(), enabled: z.boolean() }),
  event_id: z.string(),
  event_type: z.string(),
  status: deliveryStatus,
  round: z.number().int().describe('0 for the first round; a replay starts the next'),
  attempts: z.number().int().describe('Attempts in this round'),
  next_attempt_at: time.describe('When the next attempt is due (null when none is: delivered, failed or skipped)'),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: time,
  created_at: isoTime,
  updated_at: isoTime.describe('The last attempt or change'),
});

export const deliveryWithEndpointListSchema = listOf(deliveryWithEndpointSchema);

export function presentDeliveryWithEndpoint(d: DeliveryWithEndpointRow): z.infer<typeof deliveryWithEndpointSchema> {
  return {
    ...presentDelivery(d),
    object: 'webhook_delivery',
    created_at: iso(d.created_at)!,
    updated_at: iso(d.updated_at)!,
    endpoint: { id: d.endpoint_id, url: d.endpoint_url, enabled: d.endpoint_enabled },
  };
}
