// The life of an accepted message: `sent`, then `delivered`, then (unless the customer
// never reads it) `read`; or `failed` with Meta's errors[] (131047 outside the 24-hour
// window, 2046/2047 for a refused order_status, 131026 when chaos makes it undeliverable).
// Each step is a job at its own time; a step changes the message only forward and
// announces itself with a status webhook (read implies delivered: when both happen
// together only `read` is sent, as Meta does).
import { statusError, type DETAILS } from './wa.errors.ts';
import { advanceMessage, getMessage } from './wa.repository.ts';
import {
  identityOf,
  chance,
  DELIVERED_AFTER_MS,
  FAILED_AFTER_MS,
  JOB_STATUS,
  READ_AFTER_MS,
  SENT_AFTER_MS,
  unixSeconds,
  type WaChaos,
  type WaMessage,
  type WaMessageStatus,
  type WaStatusError,
} from './wa.types.ts';
import { changeValue, emitChange } from './wa.webhooks.ts';
import { type Queryable, type SandboxContext, type SandboxJobHandler, inTransaction, type SandboxNumber } from '../host.ts';

export type FailCode = keyof typeof DETAILS;

interface Step {
  status: Exclude<WaMessageStatus, 'accepted'>;
  afterMs: number;
  code?: FailCode;
}

/** Decided once, at send time. */
export function planStatuses(doom: FailCode | null, chaos: WaChaos): Step[] {
  if (doom === 131026)
    return [
      { status: 'sent', afterMs: SENT_AFTER_MS },
      { status: 'failed', afterMs: FAILED_AFTER_MS, code: doom },
    ];
  if (doom !== null) return [{ status: 'failed', afterMs: FAILED_AFTER_MS, code: doom }];
  const steps: Step[] = [{ status: 'sent', afterMs: SENT_AFTER_MS }];
  const read = !chance(chaos.drop_read);
  // Delivered and read at the same moment: Meta sends only `read`.
  if (!(read && chance(chaos.skip_delivered))) steps.push({ status: 'delivered', afterMs: DELIVERED_AFTER_MS });
  if (read) steps.push({ status: 'read', afterMs: READ_AFTER_MS });
  return steps;
}

export async function scheduleStatuses(
  ctx: Pick<SandboxContext, 'jobs'>,
  tx: Queryable,
  m: Pick<WaMessage, 'wamid'>,
  merchantId: string,
  steps: Step[],
  now: Date,
): Promise<void> {
  for (const s of steps) {
    await ctx.jobs.enqueue(tx, {
      kind: JOB_STATUS,
      merchantId,
      payload: { wamid: m.wamid, status: s.status, ...(s.code ? { code: s.code } : {}) },
      runAt: new Date(now.getTime() + s.afterMs),
      maxAttempts: 10,
      dedupeKey: `${JOB_STATUS}:${m.wamid}:${s.status}`,
    });
  }
}

/** statuses[] item of a status webhook (failed: errors[], no pricing). */
export function statusItem(m: WaMessage, status: string, at: Date, error: WaStatusError | null): Record<string, unknown> {
  // recipient_id (the phone) only when it is shared; recipient_user_id (the BSUID) always (Meta omits it on failed sends to a phone).
  const who = identityOf(m.phone_number_id, m.wa_id);
  const item: Record<string, unknown> = { id: m.wamid, status, timestamp: String(unixSeconds(at)), ...(who.phone ? { recipient_id: who.phone } : {}) };
  if (!(error && who.phone)) item['recipient_user_id'] = who.bsuid;
  const opaque = m.body['biz_opaque_callback_data'];
  if (typeof opaque === 'string') item['biz_opaque_callback_data'] = opaque;
  if (error) item['errors'] = [error];
  else if (m.pricing) item['pricing'] = m.pricing;
  return item;
}

/**
 * Moves the message to `status` (forward only) and emits its webhook, in the caller's
 * transaction. Returns false when the message was already past that status.
 */
export async function applyStatus(
  ctx: SandboxContext,
  tx: Queryable,
  number: Pick<SandboxNumber, 'phone_number_id' | 'display_phone_number' | 'waba_id' | 'merchant_id'>,
  wamid: string,
  status: Step['status'],
  code?: FailCode,
): Promise<boolean> {
  const now = ctx.clock.now();
  const error = code ? statusError(code) : null;
  const moved = await advanceMessage(tx, wamid, status, error, now);
  if (!moved) return false;
  await emitChange(ctx, tx, number, changeValue(number, { statuses: [statusItem(moved, status, now, error)] }));
  return true;
}

export function statusJobHandler(ctx: SandboxContext): SandboxJobHandler {
  return async (job) => {
    const wamid = String(job.payload['wamid'] ?? '');
    const status = job.payload['status'] as Step['status'];
    const code = job.payload['code'] as FailCode | undefined;
    if (!wamid || !['sent', 'delivered', 'read', 'failed'].includes(status)) throw ctx.jobs.permanent(`${JOB_STATUS} needs wamid and status`);
    const m = await getMessage(ctx.db, wamid);
    if (!m) throw ctx.jobs.permanent(`sandbox WhatsApp message ${wamid} does not exist`);
    const number = await ctx.business.number(ctx.db, m.phone_number_id);
    if (!number) throw ctx.jobs.permanent(`sandbox WhatsApp number ${m.phone_number_id} no longer exists`);
    await inTransaction(ctx, (tx) => applyStatus(ctx, tx, number, wamid, status, code));
  };
}
