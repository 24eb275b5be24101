// Webhook delivery as Meta does it: every change (a status, a customer's message, a
// payment status) is recorded in the caller's transaction and posted later by our job
// queue, in Meta's envelope, signed X-Hub-Signature-256 with the app secret over the
// exact bytes sent (non-ASCII and "/" escaped, as Graph writes JSON), retried with
// backoff for up to 7 days, and, when the number asks for chaos, duplicated, reordered
// or batched (several entries/changes in one POST).
import crypto from 'node:crypto';
import { getEvents, getSettings, insertDelivery, insertEvent, markInboundDelivered } from './wa.repository.ts';
import {
  BATCH_WINDOW_MS,
  chance,
  chaosOf,
  chaosRandom,
  DELIVERY_GIVE_UP_MS,
  DELIVERY_TIMEOUT_MS,
  JOB_DELIVER,
  REORDER_JITTER_MS,
  webhookTarget,
  type WaEvent,
  type WaSettings,
} from './wa.types.ts';
import type { Queryable, SandboxContext, SandboxJob, SandboxJobHandler, SandboxNumber } from '../host.ts';
import { isOwnUrl } from '../own-origins.ts';

const REFUSED_TARGET = 'refused: the webhook URL is not an address of this server (set it again, or to null)';

/** Enough attempts for the runner's backoff (capped at 1 h) to span Meta's 7 days. */
const DELIVERY_MAX_ATTEMPTS = 250;
export const SIGNATURE_HEADER = 'x-hub-signature-256';

type NumberIds = Pick<SandboxNumber, 'phone_number_id' | 'display_phone_number' | 'waba_id' | 'merchant_id'>;

/** A change's `value`: messaging_product and metadata first, then what it carries. */
export function changeValue(n: NumberIds, rest: Record<string, unknown>): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: n.display_phone_number ?? '', phone_number_id: n.phone_number_id },
    ...rest,
  };
}

/**
 * Records one change and queues its delivery, in the caller's transaction. Chaos is
 * decided here, once per change.
 */
export async function emitChange(
  ctx: SandboxContext,
  tx: Queryable,
  n: NumberIds,
  value: Record<string, unknown>,
  opts: { inboundWamid?: string; settings?: WaSettings; field?: string } = {},
): Promise<WaEvent> {
  const now = ctx.clock.now();
  const chaos = chaosOf(opts.settings ?? (await getSettings(tx, n.phone_number_id)));
  const batched = chance(chaos.batch);
  const window = Math.floor(now.getTime() / BATCH_WINDOW_MS);
  const batchKey = batched ? `${n.phone_number_id}:${window}` : null;
  const event = await insertEvent(tx, {
    phone_number_id: n.phone_number_id,
    value,
    inbound_wamid: opts.inboundWamid ?? null,
    batch_key: batchKey,
    ...(opts.field ? { field: opts.field } : {}),
    created_at: now,
  });
  const copies = chance(chaos.duplicate) ? 2 : 1;
  for (let copy = 0; copy < copies; copy++) {
    const jitter = chaos.reorder ? Math.floor(chaosRandom.next() * REORDER_JITTER_MS) : 0;
    const base = batched ? (window + 1) * BATCH_WINDOW_MS : now.getTime();
    await ctx.jobs.enqueue(tx, {
      kind: JOB_DELIVER,
      merchantId: n.merchant_id,
      payload: batched ? { batch_key: batchKey, copy } : { event_id: event.id, copy },
      runAt: new Date(base + Math.max(0, chaos.delay_ms) + jitter + copy * 250),
      maxAttempts: DELIVERY_MAX_ATTEMPTS,
      dedupeKey: batched ? `${JOB_DELIVER}:b:${batchKey}:${copy}` : `${JOB_DELIVER}:${event.id}:${copy}`,
    });
  }
  return event;
}

/** Meta's envelope. One change per event; a batch of several is split over two entries. */
export function envelopeOf(n: NumberIds, events: WaEvent[]): Record<string, unknown> {
  const changes = events.map((e) => ({ value: e.value, field: e.field ?? 'messages' }));
  const split = changes.length > 1 ? Math.ceil(changes.length / 2) : changes.length;
  const groups = [changes.slice(0, split), changes.slice(split)].filter((g) => g.length > 0);
  // entry.time (seconds) as Meta sends it for WABA-level fields such as template status updates.
  const times = [events.slice(0, split), events.slice(split)].map((g) => Math.max(0, ...g.map((e) => Math.floor(e.created_at.getTime() / 1000))));
  return {
    object: 'whatsapp_business_account',
    entry: groups.map((g, i) => ({ id: n.waba_id ?? '', ...(g.some((c) => c.field !== 'messages') ? { time: times[i] } : {}), changes: g })),
  };
}

/** JSON as Graph writes it: non-ASCII as lowercase \uXXXX and "/" as "\/". */
export function serializeWebhook(body: unknown): string {
  return JSON.stringify(body)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

export function signWebhook(secret: string, raw: string | Buffer): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
}

function shuffle<T>(list: T[]): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(chaosRandom.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function deliver(ctx: SandboxContext, job: SandboxJob): Promise<void> {
  const batchKey = typeof job.payload['batch_key'] === 'string' ? job.payload['batch_key'] : undefined;
  const eventId = typeof job.payload['event_id'] === 'string' ? job.payload['event_id'] : undefined;
  if (!batchKey && !eventId) throw ctx.jobs.permanent(`${JOB_DELIVER} needs event_id or batch_key`);
  let events = await getEvents(ctx.db, batchKey ? { batchKey } : { ids: [eventId!] });
  if (events.length === 0) throw ctx.jobs.permanent(`sandbox WhatsApp webhook ${batchKey ?? eventId} has no events`);
  const pnid = events[0]!.phone_number_id;
  const [number, settings] = await Promise.all([ctx.business.number(ctx.db, pnid), getSettings(ctx.db, pnid)]);
  if (!number) throw ctx.jobs.permanent(`sandbox WhatsApp number ${pnid} no longer exists`);
  if (chaosOf(settings).reorder) events = shuffle(events);
  const now = ctx.clock.now();
  const url = webhookTarget(ctx.publicUrl, settings);
  const ids = events.map((e) => e.id);
  if (now.getTime() - events[0]!.created_at.getTime() > DELIVERY_GIVE_UP_MS) {
    await insertDelivery(ctx.db, { phone_number_id: pnid, event_ids: ids, url, status_code: null, error: 'gave up: retried for 7 days', attempted_at: now });
    throw ctx.jobs.permanent(`sandbox WhatsApp webhook ${ids[0]}: gave up after 7 days of failed deliveries`);
  }
  if (!isOwnUrl(ctx.ownOrigins, url)) {
    // Set before the rule, or when this server had another address: never posted.
    await insertDelivery(ctx.db, { phone_number_id: pnid, event_ids: ids, url, status_code: null, error: REFUSED_TARGET, attempted_at: now });
    throw ctx.jobs.permanent(`sandbox WhatsApp webhook ${ids[0]}: ${REFUSED_TARGET}`);
  }
  const body = serializeWebhook(envelopeOf(number, events));
  const secret = await ctx.business.whatsappAppSecret();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', [SIGNATURE_HEADER]: signWebhook(secret, body) },
      body,
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
  await insertDelivery(ctx.db, { phone_number_id: pnid, event_ids: ids, url, status_code: statusCode, error, attempted_at: now });
  // Throwing hands the retry (with backoff) to the job runner.
  if (error !== null) throw new Error(`sandbox WhatsApp webhook to ${url}: ${error}`);
  await markInboundDelivered(
    ctx.db,
    events.flatMap((e) => (e.inbound_wamid ? [e.inbound_wamid] : [])),
    now,
  );
}

export function deliveryJobHandler(ctx: SandboxContext): SandboxJobHandler {
  return (job) => deliver(ctx, job);
}
