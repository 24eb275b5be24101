// Provider webhooks: verified on the raw bytes with the merchant's secrets, stored
// in the inbox (deduplicated by the provider's event id) in the same commit as the
// job that processes them, and only then answered 2xx. Processing applies each
// normalized event under the order's row lock; what cannot be matched is kept as
// 'unmatched' for review, and the provider still gets its 2xx.
import { domainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob, JOB_PRIORITY } from '../../platform/jobs/jobs.repository.ts';
import { getMerchant } from '../merchants/index.ts';
import { getProviderEvent, insertProviderEvent, markProviderEvent } from './provider-events.repository.ts';
import { findRefundByProviderId, getRefund } from './refunds.repository.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { NormalizedEvent } from '../../platform/payment-provider.port.ts';
import { applyCapture, applyInFlight, locateAttempt, type ApplyOutcome } from './payments.apply.ts';
import { applyDispute } from './payments.disputes.ts';
import { adapterFor, openProviderAccount } from './payments.provider-accounts.ts';
import { applyRefundOutcome } from './payments.refunds.ts';

export async function receiveProviderWebhook(
  ctx: AppContext,
  provider: string,
  merchantId: string,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
): Promise<Result<{ stored: number; duplicates: number }>> {
  const adapter = adapterFor(ctx, provider);
  if (!adapter.ok || !(await getMerchant(ctx.db, merchantId))) return err(domainError('not_found', 'unknown provider or merchant'));
  const account = await openProviderAccount(ctx, ctx.db, merchantId, provider);
  if (!account) return err(domainError('not_found', `${provider} is not configured for this merchant`));
  const check = adapter.value.verifyWebhook(rawBody, headers, account.webhookSecrets, ctx.clock.now());
  if (!check.ok) return err(domainError(check.error.kind === 'unauthorized' ? 'unauthorized' : 'validation_error', check.error.reason));
  let stored = 0;
  let duplicates = 0;
  await inTransaction(ctx, async (tx) => {
    for (const ev of groupByEventId(check.value)) {
      const id = newId('pev');
      const inserted = await insertProviderEvent(tx, {
        id,
        merchantId,
        provider,
        eventId: ev[0]!.eventId,
        eventType: ev[0]!.providerType,
        body: rawBody.toString('utf8'),
        normalized: ev,
        now: ctx.clock.now(),
      });
      if (!inserted) {
        duplicates++;
        continue;
      }
      stored++;
      await enqueueJob(tx, {
        kind: 'provider_event.process',
        merchantId,
        payload: { provider_event_id: id },
        runAt: ctx.clock.now(),
        dedupeKey: `provider_event.process:${id}`,
        priority: JOB_PRIORITY.urgent, // a customer is waiting for the paid message
      });
    }
  });
  return ok({ stored, duplicates });
}

function groupByEventId(events: NormalizedEvent[]): NormalizedEvent[][] {
  const m = new Map<string, NormalizedEvent[]>();
  for (const e of events) m.set(e.eventId, [...(m.get(e.eventId) ?? []), e]);
  return [...m.values()];
}

const complete = (e: NormalizedEvent) => e.amount !== undefined && e.currency !== undefined && e.referenceId !== undefined && e.providerPaymentId !== undefined;

/** The job: applies one stored webhook. Safe to run twice (the row's status guards it). */
export async function processProviderEvent(ctx: AppContext, providerEventId: string): Promise<void> {
  const lookups: { merchantId: string; paymentId: string }[] = [];
  await inTransaction(ctx, async (tx) => {
    const row = await getProviderEvent(tx, providerEventId, { forUpdate: true });
    if (!row || row.status !== 'received') return;
    const actor: Actor = { source: 'provider', id: `${row.provider}:${row.event_id}` };
    const outcomes: ApplyOutcome[] = [];
    for (const ev of row.normalized as NormalizedEvent[]) {
      ev.occurredAt = new Date(ev.occurredAt);
      outcomes.push(await applyOne(ctx, tx, actor, row.merchant_id, row.provider, ev, lookups));
    }
    const unmatched = outcomes.every((o) => o === 'unmatched');
    const ignored = outcomes.every((o) => o === 'stale' || o === 'duplicate') && outcomes.length > 0;
    await markProviderEvent(tx, row.id, unmatched ? 'unmatched' : ignored ? 'ignored' : 'processed', outcomes.join(','), ctx.clock.now());
    for (const l of lookups) {
      await enqueueJob(tx, {
        kind: 'payment.lookup',
        merchantId: l.merchantId,
        payload: { payment_id: l.paymentId },
        runAt: ctx.clock.now(),
        dedupeKey: `payment.lookup:${l.paymentId}:${row.id}`,
      });
    }
  });
}

async function applyOne(
  ctx: AppContext,
  tx: Tx,
  actor: Actor,
  merchantId: string,
  provider: string,
  ev: NormalizedEvent,
  lookups: { merchantId: string; paymentId: string }[],
): Promise<ApplyOutcome> {
  const at = { providerObjectId: ev.providerObjectId, referenceId: ev.referenceId, providerPaymentId: ev.providerPaymentId };
  switch (ev.kind) {
    case 'payment.captured': {
      if (complete(ev)) {
        return applyCapture(ctx, tx, actor, {
          merchantId,
          provider,
          providerPaymentId: ev.providerPaymentId!,
          providerObjectId: ev.providerObjectId,
          referenceId: ev.referenceId,
          amount: ev.amount!,
          currency: ev.currency!,
          verifiedBy: 'webhook',
          occurredAt: ev.occurredAt,
          fee: ev.fee,
          feeTax: ev.feeTax,
        });
      }
      // Lacking amount, currency or reference: only a lookup may verify it.
      return scheduleLookup(tx, merchantId, provider, at, lookups);
    }
    case 'payment.pending':
    case 'payment.authorized':
    case 'payment.failed':
      if (!ev.providerPaymentId) return scheduleLookup(tx, merchantId, provider, at, lookups);
      return applyInFlight(ctx, tx, actor, {
        merchantId,
        provider,
        providerPaymentId: ev.providerPaymentId,
        providerObjectId: ev.providerObjectId,
        referenceId: ev.referenceId,
        amount: ev.amount,
        currency: ev.currency,
        status: ev.kind === 'payment.failed' ? 'failed' : ev.kind === 'payment.authorized' ? 'authorized' : 'pending',
        reason: ev.reason,
      });
    case 'checkout.completed_unpaid':
    case 'checkout.expired':
    case 'checkout.canceled':
      // The provider's object closed or is waiting: what matters is whether money moved, which a lookup tells.
      return scheduleLookup(tx, merchantId, provider, at, lookups);
    case 'refund.pending':
    case 'refund.succeeded':
    case 'refund.failed': {
      const refund =
        (ev.refundId ? await getRefund(tx, merchantId, ev.refundId) : undefined) ??
        (ev.providerRefundId ? await findRefundByProviderId(tx, merchantId, provider, ev.providerRefundId) : undefined);
      if (!refund) return 'unmatched';
      const status = ev.kind === 'refund.succeeded' ? 'succeeded' : ev.kind === 'refund.failed' ? 'failed' : 'pending';
      return (await applyRefundOutcome(ctx, tx, actor, merchantId, refund.id, { status, providerRefundId: ev.providerRefundId, reason: ev.reason })) ===
        'changed'
        ? 'recorded'
        : 'stale';
    }
    case 'dispute.opened':
    case 'dispute.updated':
    case 'dispute.won':
    case 'dispute.lost':
      return applyDispute(ctx, tx, actor, merchantId, provider, ev);
    default:
      return 'stale';
  }
}

async function scheduleLookup(
  tx: Tx,
  merchantId: string,
  provider: string,
  at: { providerObjectId?: string | undefined; referenceId?: string | undefined; providerPaymentId?: string | undefined },
  lookups: { merchantId: string; paymentId: string }[],
): Promise<ApplyOutcome> {
  const attempt = await locateAttempt(tx, merchantId, provider, at);
  if (!attempt) return 'unmatched';
  lookups.push({ merchantId, paymentId: attempt.id });
  return 'recorded';
}
