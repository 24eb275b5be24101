// One attempt of one delivery: sign, POST through the SSRF guard with no database lock
// held, then record the attempt and decide what is next in one transaction: delivered
// (2xx), retried on the schedule (a new job at next_attempt_at), failed when attempts
// run out, or the endpoint disabled (410 Gone, or failing too long or too often; the
// merchant is told by a `webhook_endpoint.disabled` event).
import { postWebhook, type SendResult } from '../../adapters/outbound-webhooks/sender.ts';
import { webhookHeaders } from '../../adapters/outbound-webhooks/signing.ts';
import type { Resolver } from '../../adapters/outbound-webhooks/ssrf.ts';
import { TEST_EVENT_TYPE } from '../../domain/business-events.ts';
import { newId } from '../../domain/ids.ts';
import type { Tx } from '../../platform/store/db.ts';
import { getDelivery, getEventById, insertAttempt, skipPendingDeliveries, updateDelivery, type DeliveryRow } from './webhook-deliveries.repository.ts';
import { disableEndpointIfEnabled, getEndpoint, markEndpointFailing, markEndpointHealthy, type EndpointRow } from './webhook-endpoints.repository.ts';
import { inTransaction, type AppContext } from '../../platform/context.ts';
import { recordEvent } from './events.record.ts';
import { signingSecrets } from './webhooks.endpoints.ts';
import { enqueueDeliveryJobs } from './webhooks.fanout.ts';
import { businessEventBody } from './webhooks.payload.ts';
import { nextRetryDelayMs, shouldDisable, webhookNetworkPolicy, type DeliveryPolicy } from './webhooks.policy.ts';

export interface DeliverOptions {
  policy: DeliveryPolicy;
  /** Tests inject a resolver so no real name is looked up. */
  resolve?: Resolver | undefined;
  random?: () => number;
}

export interface DeliverJob {
  deliveryId: string;
  round: number;
  attempt: number;
}

export type DeliverOutcome = 'stale' | 'skipped' | 'delivered' | 'retry' | 'failed';

const actor = { source: 'job' as const, id: 'webhooks' };
const isCurrent = (d: DeliveryRow | undefined, job: DeliverJob): d is DeliveryRow =>
  !!d && d.status === 'pending' && d.round === job.round && d.attempts === job.attempt - 1;

export async function attemptDelivery(ctx: AppContext, merchantId: string, job: DeliverJob, o: DeliverOptions): Promise<DeliverOutcome> {
  const d = await getDelivery(ctx.db, merchantId, job.deliveryId);
  // A job of an earlier round or attempt (a replay or a crash redo overtook it) does nothing.
  if (!isCurrent(d, job)) return 'stale';
  const ep = await getEndpoint(ctx.db, merchantId, d.endpoint_id);
  if (!ep) return 'stale';
  const isTest = d.event_type === TEST_EVENT_TYPE;
  if (!ep.enabled && !isTest) {
    await updateDelivery(ctx.db, merchantId, d.id, { status: 'skipped', last_error: 'endpoint disabled', next_attempt_at: null }, ctx.clock.now());
    return 'skipped';
  }
  let body = d.payload;
  if (body === null) {
    const ev = await getEventById(ctx.db, merchantId, d.event_id);
    body = ev ? await businessEventBody(ctx, ctx.db, ev) : null;
    if (body === null) {
      await updateDelivery(
        ctx.db,
        merchantId,
        d.id,
        { status: 'failed', last_error: 'the event is not a business event', next_attempt_at: null },
        ctx.clock.now(),
      );
      return 'failed';
    }
    // Frozen now, so later attempts and replays send the same bytes.
    await updateDelivery(ctx.db, merchantId, d.id, { payload: body }, ctx.clock.now());
  }
  const sentAt = ctx.clock.now();
  const headers = webhookHeaders({ id: d.event_id, timestamp: Math.floor(sentAt.getTime() / 1000), body, secrets: signingSecrets(ctx, ep, sentAt) });
  const result = await postWebhook({
    url: ep.url,
    body,
    headers,
    timeoutMs: o.policy.timeoutMs,
    excerptBytes: o.policy.excerptBytes,
    policy: webhookNetworkPolicy(ctx),
    resolve: o.resolve,
  });
  return inTransaction(ctx, (tx) => recordOutcome(ctx, tx, merchantId, ep, job, result, { ...o, isTest }));
}

async function recordOutcome(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  ep: EndpointRow,
  job: DeliverJob,
  r: SendResult,
  o: DeliverOptions & { isTest: boolean },
): Promise<DeliverOutcome> {
  const cur = await getDelivery(tx, merchantId, job.deliveryId, { forUpdate: true });
  if (!cur) return 'stale'; // the endpoint was deleted meanwhile
  const now = ctx.clock.now();
  await insertAttempt(tx, {
    id: newId('wha'),
    merchantId,
    endpoint_id: ep.id,
    delivery_id: cur.id,
    event_id: cur.event_id,
    event_type: cur.event_type,
    round: job.round,
    attempt: job.attempt,
    url: ep.url,
    status_code: r.statusCode,
    latency_ms: r.latencyMs,
    response_excerpt: r.excerpt,
    error: r.error,
    created_at: now,
  });
  // Replayed, skipped or redone while we were sending: the attempt is on record, the state is not ours to change.
  if (!isCurrent(cur, job)) return 'stale';
  const code = r.statusCode;
  const base = { attempts: job.attempt, last_status_code: code, last_error: r.error ?? (code !== null && (code < 200 || code >= 300) ? `HTTP ${code}` : null) };
  if (code !== null && code >= 200 && code < 300) {
    await updateDelivery(tx, merchantId, cur.id, { ...base, status: 'delivered', delivered_at: now, next_attempt_at: null }, now);
    await markEndpointHealthy(tx, merchantId, ep.id, now);
    return 'delivered';
  }
  if (code === 410 && !o.isTest) {
    // 410 Gone: the receiver says this endpoint no longer exists (Standard Webhooks).
    await updateDelivery(tx, merchantId, cur.id, { ...base, status: 'failed', next_attempt_at: null }, now);
    await disable(ctx, tx, merchantId, ep.id, 'gone', now);
    return 'failed';
  }
  // A test send is one attempt: the merchant reads its result, and it says nothing about the endpoint's health.
  const throttled = code === 429 || code === 503;
  const delay = o.isTest ? null : nextRetryDelayMs(o.policy, job.attempt, { retryAfterMs: throttled ? r.retryAfterMs : null, random: o.random });
  if (delay === null) {
    await updateDelivery(tx, merchantId, cur.id, { ...base, status: 'failed', next_attempt_at: null }, now);
  } else {
    const at = new Date(now.getTime() + delay);
    const next = await updateDelivery(tx, merchantId, cur.id, { ...base, next_attempt_at: at }, now);
    await enqueueDeliveryJobs(tx, [next!], at);
  }
  if (o.isTest) return 'failed';
  const health = await markEndpointFailing(tx, merchantId, ep.id, { now, exhausted: delay === null });
  const why = health?.enabled ? shouldDisable(o.policy, health, now) : null;
  if (why) await disable(ctx, tx, merchantId, ep.id, why, now);
  return delay === null ? 'failed' : 'retry';
}

async function disable(ctx: AppContext, tx: Tx, merchantId: string, endpointId: string, reason: 'gone' | 'exhausted' | 'failing', now: Date): Promise<void> {
  // Conditional, so two failing deliveries deciding together disable (and tell) once.
  const ep = await disableEndpointIfEnabled(tx, merchantId, endpointId, reason, now);
  if (!ep) return;
  const skipped = await skipPendingDeliveries(tx, merchantId, endpointId, 'endpoint disabled', now);
  ctx.log.warn({ merchant: merchantId, endpoint: endpointId, reason, skipped }, 'webhook endpoint disabled');
  await recordEvent(ctx, tx, actor, {
    merchantId,
    type: 'webhook_endpoint.disabled',
    data: {
      endpoint_id: ep.id,
      url: ep.url,
      reason,
      failing_since: ep.failing_since ? new Date(ep.failing_since).toISOString() : null,
      exhausted_deliveries: ep.exhausted_count,
      skipped_deliveries: skipped,
    },
    previous: { enabled: true },
  });
}
