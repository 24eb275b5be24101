// Webhooks are not enough: a lookup at the provider verifies what a thin or missing
// webhook could not, and the poller runs it for every open attempt until its expiry
// plus a grace period for late authorisation.
import type { Tx } from '../../platform/store/db.ts';
import { enqueueJob } from '../../platform/jobs/jobs.repository.ts';
import { getPayment, type PaymentRow } from '../orders/index.ts';
import type { Actor, AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';
import type { LookupResult } from '../../platform/payment-provider.port.ts';
import { applyCapture, applyInFlight, type ApplyOutcome } from './payments.apply.ts';
import { accountFor } from './payments.provider-accounts.ts';
import { DeferJob } from '../../platform/jobs/job-errors.ts';
import { leaseTokens } from '../../platform/store/rate-buckets.repository.ts';
import { adapterNameFor } from '../orders/index.ts';
import { applyRefundOutcome } from './payments.refunds.ts';
import { findRefundByProviderId } from './refunds.repository.ts';

/** Lookups per second per provider account (with a small burst). */
export const LOOKUP_RATE = { rate: 5, capacity: 10 };
/** How long after expiry we keep looking for a late authorisation. */
export const LATE_GRACE_MS = 15 * 60_000;
const POLL_FIRST_MS = 30_000;
const POLL_MAX_MS = 10 * 60_000;

export async function applyLookup(ctx: AppContext, tx: Tx, actor: Actor, attempt: PaymentRow, result: LookupResult): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const p of result.payments) {
    const base = {
      merchantId: attempt.merchant_id,
      provider: attempt.provider,
      providerPaymentId: p.providerPaymentId,
      providerObjectId: attempt.provider_object_id ?? undefined,
      referenceId: p.referenceId ?? attempt.reference_id,
    };
    if (p.status === 'captured' || p.status === 'refunded') {
      // A capture counts only with its amount and currency in hand (adapters report none without).
      if (p.amount === undefined || p.currency === undefined) continue;
      outcomes.push(
        await applyCapture(ctx, tx, actor, { ...base, amount: p.amount, currency: p.currency, verifiedBy: 'lookup', fee: p.fee, feeTax: p.feeTax }),
      );
    } else {
      outcomes.push(await applyInFlight(ctx, tx, actor, { ...base, amount: p.amount, currency: p.currency, status: p.status, reason: p.reason }));
    }
  }
  // Providers whose refunds are followed through lookups (WhatsApp Pay) report their outcome here.
  for (const rf of result.refunds ?? []) {
    const ours = await findRefundByProviderId(tx, attempt.merchant_id, attempt.provider, rf.providerRefundId);
    if (ours) await applyRefundOutcome(ctx, tx, actor, attempt.merchant_id, ours.id, { status: rf.status, providerRefundId: rf.providerRefundId });
  }
  return outcomes;
}

/** Looks an attempt up at its provider and applies what it finds. */
export async function lookupAttempt(
  ctx: AppContext,
  merchantId: string,
  paymentId: string,
): Promise<{ attempt: PaymentRow; result: LookupResult | null } | null> {
  const attempt = await getPayment(ctx.db, merchantId, paymentId);
  if (!attempt) return null;
  // Who to ask: the attempt's provider, or the method's (WhatsApp Pay bills are looked up at Meta, by reference).
  const provider = adapterNameFor(attempt);
  if (!attempt.provider_object_id && !ctx.providers?.get(provider)?.lookupByReference) return null;
  // Lookups are throttled per provider account, shared by every process: a backlog of
  // open attempts (or several processes starting at once) never bursts at a provider.
  const granted = await leaseTokens(ctx.db, `provider.lookup:${merchantId}:${provider}`, { want: 1, ...LOOKUP_RATE, now: ctx.wallClock.now() });
  if (granted === 0) throw new DeferJob(new Date(ctx.clock.now().getTime() + 250 + Math.random() * 750), 'provider lookup rate for this account reached');
  const acc = await accountFor(ctx, merchantId, provider);
  if (!acc.ok) throw new Error(acc.error.message);
  const result = await acc.value.adapter.lookup(acc.value.account.credentials, attempt.provider_object_id ?? '', attempt.reference_id, {
    currency: attempt.currency,
  });
  await inTransaction(ctx, (tx) => applyLookup(ctx, tx, { source: 'job', id: 'lookup' }, attempt, result));
  return { attempt, result };
}

export async function schedulePoll(ctx: AppContext, tx: Tx, merchantId: string, paymentId: string, n: number, from: Date): Promise<void> {
  const delay = Math.min(POLL_MAX_MS, POLL_FIRST_MS * 2 ** n);
  // Jitter spreads the polls of many attempts (and of several processes) over time.
  const runAt = new Date(from.getTime() + delay * (0.75 + Math.random() * 0.5));
  await enqueueJob(tx, {
    kind: 'payment.poll',
    merchantId,
    payload: { payment_id: paymentId, n },
    runAt,
    dedupeKey: `payment.poll:${paymentId}:${n}`,
    maxAttempts: 5,
  });
}

/** The poll job: look up, then poll again while the attempt may still change. */
export async function pollAttempt(ctx: AppContext, merchantId: string, paymentId: string, n: number): Promise<void> {
  const found = await lookupAttempt(ctx, merchantId, paymentId);
  if (!found) return;
  const fresh = (await getPayment(ctx.db, merchantId, paymentId))!;
  const now = ctx.clock.now();
  const open = ['created', 'pending', 'failed'].includes(fresh.status);
  if (open && now.getTime() < fresh.expires_at.getTime() + LATE_GRACE_MS) {
    await inTransaction(ctx, (tx) => schedulePoll(ctx, tx, merchantId, paymentId, n + 1, now));
  }
}
