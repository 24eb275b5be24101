// Events and their delivery. Every state change writes an event row and queues its
// delivery in the same transaction (so a rolled-back change never announces itself).
// Delivery behaves like a real PSP's: signed, at least once, retried with backoff for
// 24 h, and, when the merchant asks for chaos, duplicated, reordered, delayed or
// dropped. The JSON's whitespace and escaping vary between deliveries so a receiver
// that verifies a re-serialised body instead of the raw bytes fails early.
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signSandboxPayload } from './psp.signature.ts';
import { getAccount, getEvent, insertDelivery, insertEvent } from './psp.repository.ts';
import {
  chaosOf,
  DELIVERY_GIVE_UP_MS,
  DELIVERY_TIMEOUT_MS,
  JOB_DELIVER,
  pspId,
  unixSeconds,
  webhookTarget,
  type PspAccount,
  type PspEvent,
  type PspEventType,
} from './psp.types.ts';
import type { Queryable, SandboxContext, SandboxJob, SandboxJobHandler } from '../host.ts';
import { isOwnUrl } from '../own-origins.ts';

const REFUSED_TARGET = 'refused: the webhook URL is not an address of this server (set it again, or to null)';

/** Enough attempts for the runner's backoff (capped at 1 h) to span the 24 h window. */
const DELIVERY_MAX_ATTEMPTS = 60;
const REORDER_JITTER_MS = 2_000;

/** Replaceable for tests that need a specific draw; chaos at 0 or 1 never needs it. */
export const chaosRandom = { next: Math.random };
const chance = (p: number) => p > 0 && chaosRandom.next() < p;

export interface PspEnvelope {
  id: string;
  type: PspEventType;
  created: number;
  account: string;
  data: Record<string, unknown>;
}

export const envelopeOf = (e: PspEvent): PspEnvelope => ({
  id: e.id,
  type: e.type,
  created: unixSeconds(e.created_at),
  account: e.account_id,
  data: e.payload,
});

/**
 * Records the event and queues its delivery, in the caller's transaction. Chaos is
 * decided here, once per event: a dropped event is kept (and noted) but never sent.
 */
export async function emitEvent(
  ctx: SandboxContext,
  tx: Queryable,
  account: Pick<PspAccount, 'id' | 'merchant_id' | 'chaos'>,
  type: PspEventType,
  data: Record<string, unknown>,
): Promise<PspEvent> {
  const now = ctx.clock.now();
  const event: PspEvent = { id: pspId('sev'), account_id: account.id, type, payload: data, created_at: now };
  await insertEvent(tx, event);
  const chaos = chaosOf(account);
  if (chance(chaos.drop)) {
    await insertDelivery(tx, { event_id: event.id, url: null, status_code: null, error: 'dropped by chaos (drop): never delivered', attempted_at: now });
    return event;
  }
  const copies = chance(chaos.duplicate) ? 2 : 1;
  for (let copy = 0; copy < copies; copy++) {
    const jitter = chaos.reorder ? Math.floor(chaosRandom.next() * REORDER_JITTER_MS) : 0;
    await ctx.jobs.enqueue(tx, {
      kind: JOB_DELIVER,
      merchantId: account.merchant_id,
      payload: { event_id: event.id, copy },
      runAt: new Date(now.getTime() + Math.max(0, chaos.delay_ms) + jitter),
      maxAttempts: DELIVERY_MAX_ATTEMPTS,
      dedupeKey: `${JOB_DELIVER}:${event.id}:${copy}`,
    });
  }
  return event;
}

const escapeNonAscii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\//g, '\\/');

/** The same JSON value, written one of several ways (all valid, all meaning the same). */
export function serializeEnvelope(env: PspEnvelope, variant: number): string {
  switch (variant % 4) {
    case 1:
      return JSON.stringify(env, null, 2);
    case 2:
      return `${JSON.stringify(env, null, '\t')}\n`;
    case 3:
      return escapeNonAscii(JSON.stringify(env));
    default:
      return JSON.stringify(env);
  }
}

async function deliver(ctx: SandboxContext, job: SandboxJob): Promise<void> {
  const eventId = String(job.payload['event_id'] ?? '');
  const event = eventId ? await getEvent(ctx.db, eventId) : undefined;
  if (!event) throw ctx.jobs.permanent(`sandbox PSP event ${eventId || '(none)'} does not exist`);
  const account = await getAccount(ctx.db, event.account_id);
  if (!account) throw ctx.jobs.permanent(`sandbox PSP account ${event.account_id} does not exist`);
  const now = ctx.clock.now();
  const url = webhookTarget(ctx.publicUrl, account);
  if (now.getTime() - event.created_at.getTime() > DELIVERY_GIVE_UP_MS) {
    await insertDelivery(ctx.db, { event_id: event.id, url, status_code: null, error: 'gave up: retried for 24 h', attempted_at: now });
    throw ctx.jobs.permanent(`sandbox PSP event ${event.id}: gave up after 24 h of failed deliveries`);
  }
  if (!isOwnUrl(ctx.ownOrigins, url)) {
    // Set before the rule, or when this server had another address: never posted.
    await insertDelivery(ctx.db, { event_id: event.id, url, status_code: null, error: REFUSED_TARGET, attempted_at: now });
    throw ctx.jobs.permanent(`sandbox PSP event ${event.id}: ${REFUSED_TARGET}`);
  }
  const body = serializeEnvelope(envelopeOf(event), Math.floor(Math.random() * 4));
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'chatcart-sandbox-psp/1',
        [SIGNATURE_HEADER]: signSandboxPayload(account.webhook_secret, body, unixSeconds(now)),
        [EVENT_ID_HEADER]: event.id,
      },
      body,
      // A redirect is a failure, as with Razorpay and Standard Webhooks: never follow it.
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = res.status;
    // Read to the end (the connection is reused) but never kept: the log says the status only.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) error = `answered ${res.status}`;
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  await insertDelivery(ctx.db, { event_id: event.id, url, status_code: statusCode, error, attempted_at: now });
  // Throwing hands the retry (with backoff) to the job runner.
  if (error !== null) throw new Error(`sandbox PSP webhook ${event.id} to ${url}: ${error}`);
}

export function deliveryJobHandler(ctx: SandboxContext): SandboxJobHandler {
  return (job) => deliver(ctx, job);
}
