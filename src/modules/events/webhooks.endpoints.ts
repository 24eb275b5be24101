// Webhook endpoints: create, update, delete, rotate the secret, send a test event.
// The secret is shown on create and rotate only and kept sealed; during a rotation the
// old secret signs beside the new one until it expires.
import { checkTargetUrl } from '../../adapters/outbound-webhooks/ssrf.ts';
import { newWebhookSecret } from '../../adapters/outbound-webhooks/signing.ts';
import { isValidFilterEntry, TEST_EVENT_TYPE } from '../../domain/business-events.ts';
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { upsertDeliveries, type DeliveryRow } from './webhook-deliveries.repository.ts';
import * as repo from './webhook-endpoints.repository.ts';
import type { EndpointRow } from './webhook-endpoints.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { recordEvent } from './events.record.ts';
import { enqueueDeliveryJobs } from './webhooks.fanout.ts';
import { businessEventBody } from './webhooks.payload.ts';
import { MAX_ENDPOINTS_PER_MERCHANT, ROTATION_OVERLAP_MS, webhookNetworkPolicy } from './webhooks.policy.ts';

interface StoredSecret {
  secret: string;
  expires_at: string | null;
}

const readSecrets = (ctx: AppContext, ep: EndpointRow): StoredSecret[] => JSON.parse(ctx.secrets.open(ep.secrets)) as StoredSecret[];
const sealSecrets = (ctx: AppContext, list: StoredSecret[]) => ctx.secrets.seal(JSON.stringify(list));

/** The secrets that sign right now: the current one first, then any still inside its overlap. */
export function signingSecrets(ctx: AppContext, ep: EndpointRow, now: Date): string[] {
  return readSecrets(ctx, ep)
    .filter((s) => s.expires_at === null || new Date(s.expires_at) > now)
    .map((s) => s.secret);
}

export interface EndpointInput {
  url?: string | undefined;
  events?: string[] | null | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

function validate(ctx: AppContext, input: EndpointInput): Result<{ url?: string }> {
  let url: string | undefined;
  if (input.url !== undefined) {
    const check = checkTargetUrl(input.url, webhookNetworkPolicy(ctx));
    if (!check.ok) return err(domainError('validation_error', `url: ${check.error}`, { path: 'url' }));
    url = check.value.href;
  }
  const bad = (input.events ?? []).filter((e) => !isValidFilterEntry(e));
  if (bad.length)
    return err(
      domainError(
        'validation_error',
        `events: ${bad.join(', ')} ${bad.length === 1 ? 'is not an event type' : 'are not event types'} we send (use e.g. order.paid, refund.* or *)`,
        { path: 'events' },
      ),
    );
  return ok(url === undefined ? {} : { url });
}

const view = (ep: EndpointRow) => ({ endpoint_id: ep.id, url: ep.url, events: ep.events, enabled: ep.enabled, description: ep.description });

export async function createEndpoint(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  input: EndpointInput & { url: string },
): Promise<Result<{ row: EndpointRow; secret: string }>> {
  const v = validate(ctx, input);
  if (!v.ok) return v;
  if ((await repo.countEndpoints(tx, merchantId)) >= MAX_ENDPOINTS_PER_MERCHANT) {
    return err(domainError('validation_error', `a merchant can have at most ${MAX_ENDPOINTS_PER_MERCHANT} webhook endpoints`));
  }
  const secret = newWebhookSecret();
  const events = input.events ? [...new Set(input.events)] : null;
  const row = await repo.insertEndpoint(tx, {
    id: newId('whe'),
    merchantId,
    url: v.value.url!,
    description: input.description ?? null,
    events,
    enabled: input.enabled ?? true,
    secrets: sealSecrets(ctx, [{ secret, expires_at: null }]),
    now: ctx.clock.now(),
  });
  await recordEvent(ctx, tx, actor, { merchantId, type: 'webhook_endpoint.created', data: view(row) });
  return ok({ row, secret });
}

export async function updateEndpointSettings(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  id: string,
  input: EndpointInput,
): Promise<Result<EndpointRow>> {
  const ep = await repo.getEndpoint(tx, merchantId, id, { forUpdate: true });
  if (!ep) return err(domainError('not_found', `No webhook endpoint ${id}`));
  const v = validate(ctx, input);
  if (!v.ok) return v;
  const now = ctx.clock.now();
  const patch: repo.EndpointPatch = {
    url: v.value.url,
    description: input.description,
    events: input.events === undefined ? undefined : input.events && [...new Set(input.events)],
    enabled: input.enabled,
  };
  // Enabling again starts the health record afresh (the merchant says it is fixed).
  if (input.enabled === true && !ep.enabled) Object.assign(patch, { disabled_reason: null, disabled_at: null, failing_since: null, exhausted_count: 0 });
  if (input.enabled === false && ep.enabled) Object.assign(patch, { disabled_reason: 'merchant', disabled_at: now });
  const row = await repo.updateEndpoint(tx, merchantId, id, patch, now);
  await recordEvent(ctx, tx, actor, { merchantId, type: 'webhook_endpoint.updated', data: view(row), previous: view(ep) });
  return ok(row);
}

export async function deleteEndpointById(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string): Promise<Result<EndpointRow>> {
  const ep = await repo.getEndpoint(tx, merchantId, id, { forUpdate: true });
  if (!ep || !(await repo.deleteEndpoint(tx, merchantId, id))) return err(domainError('not_found', `No webhook endpoint ${id}`));
  await recordEvent(ctx, tx, actor, { merchantId, type: 'webhook_endpoint.deleted', data: view(ep) });
  return ok(ep);
}

/** A new secret now; the current one keeps signing for `overlapMs` (default 24 h; 0 retires it at once). */
export async function rotateEndpointSecret(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  id: string,
  overlapMs = ROTATION_OVERLAP_MS,
): Promise<Result<{ row: EndpointRow; secret: string }>> {
  const ep = await repo.getEndpoint(tx, merchantId, id, { forUpdate: true });
  if (!ep) return err(domainError('not_found', `No webhook endpoint ${id}`));
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + overlapMs).toISOString();
  // Still-valid secrets end at the latest with the overlap; a few at most (rotating twice in a day keeps three).
  const kept =
    overlapMs === 0
      ? []
      : readSecrets(ctx, ep)
          .filter((s) => s.expires_at === null || new Date(s.expires_at) > now)
          .map((s) => ({ secret: s.secret, expires_at: s.expires_at === null || s.expires_at > until ? until : s.expires_at }))
          .slice(0, 4);
  const secret = newWebhookSecret();
  const row = await repo.updateEndpoint(tx, merchantId, id, { secrets: sealSecrets(ctx, [{ secret, expires_at: null }, ...kept]) }, now);
  await recordEvent(ctx, tx, actor, {
    merchantId,
    type: 'webhook_endpoint.secret_rotated',
    data: { endpoint_id: id, previous_secret_expires_at: overlapMs > 0 ? until : now.toISOString() },
  });
  return ok({ row, secret });
}

/** Records a `webhook.test` event and queues it for this endpoint only (even a disabled one: that is how a fix is checked). */
export async function sendTestEvent(ctx: AppContext, tx: Tx, actor: Actor, merchantId: string, id: string): Promise<Result<DeliveryRow>> {
  const ep = await repo.getEndpoint(tx, merchantId, id);
  if (!ep) return err(domainError('not_found', `No webhook endpoint ${id}`));
  const ev = await recordEvent(ctx, tx, actor, {
    merchantId,
    type: TEST_EVENT_TYPE,
    data: { endpoint_id: id, message: 'A test event from chatcart: if you can read this, your endpoint and signature check work.' },
  });
  const now = ctx.clock.now();
  const [delivery] = await upsertDeliveries(
    tx,
    merchantId,
    [{ id: newId('whd'), endpointId: id, eventId: ev.id, eventType: ev.type, payload: await businessEventBody(ctx, tx, ev) }],
    { now, replay: false },
  );
  await enqueueDeliveryJobs(tx, [delivery!], now);
  return ok(delivery!);
}
