// What the sandbox PSP does to checkouts and their payments. Each operation is one
// transaction: the state change, its events and their delivery jobs commit together.
// Locks are taken checkout first, then payment, everywhere, so two operations on the
// same checkout cannot deadlock on PostgreSQL.
import crypto from 'node:crypto';
import { isCurrency } from '../../../../src/domain/money.ts';
import { checkoutPaidData, checkoutStatusData, effectiveStatus, paymentEventData } from './psp.present.ts';
import { findCheckoutBy, getAccount, getCheckout, getPayment, insertCheckout, insertPayment, setCheckoutStatus, updatePayment } from './psp.repository.ts';
import { emitEvent } from './psp.webhooks.ts';
import {
  chaosOf,
  JOB_EXPIRE,
  MAX_EXPIRY_SECONDS,
  MIN_EXPIRY_SECONDS,
  pspErr,
  pspId,
  pspOk,
  type PspAccount,
  type PspCheckout,
  type PspPayment,
  type PspResult,
} from './psp.types.ts';
import { type Queryable, type SandboxContext, inTransaction } from '../host.ts';

export interface CheckoutInput {
  amount: number;
  currency: string;
  reference_id: string;
  description?: string | undefined;
  expires_at: number;
  return_url?: string | undefined;
  upi?: boolean | undefined;
  customer?: { name?: string | undefined; contact?: string | undefined } | undefined;
}

export type PayOutcome = 'success' | 'pending' | 'failure';

/** Canonical JSON (sorted keys): key order and whitespace do not make a request "different". */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
export const requestHash = (body: unknown) => crypto.createHash('sha256').update(canonical(body)).digest('hex');

const replay = (c: PspCheckout | undefined, hash: string): PspResult<PspCheckout> | undefined => {
  if (!c) return undefined;
  return c.request_hash === hash ? pspOk(c) : pspErr('idempotency_mismatch', 'This Idempotency-Key was used with a different request body');
};

export async function createCheckout(ctx: SandboxContext, account: PspAccount, idempotencyKey: string, input: CheckoutInput): Promise<PspResult<PspCheckout>> {
  const hash = requestHash(input);
  return inTransaction(ctx, async (tx) => {
    // A retry is answered before validation: the first request's expiry may since have passed.
    const again = replay(await findCheckoutBy(tx, account.id, { idempotencyKey }), hash);
    if (again) return again;
    const duplicate = pspErr<PspCheckout>('duplicate_reference', `A checkout with reference_id ${input.reference_id} already exists`);
    // A twin with the same key may have committed since the look-up above: that is a replay, not a duplicate.
    const byRef = await findCheckoutBy(tx, account.id, { referenceId: input.reference_id });
    if (byRef) return byRef.idempotency_key === idempotencyKey ? replay(byRef, hash)! : duplicate;
    if (!isCurrency(input.currency)) return pspErr('bad_request', `currency ${input.currency} is not an ISO 4217 currency`);
    if (input.upi && input.currency !== 'INR') return pspErr('bad_request', 'UPI checkouts take INR only');
    const now = ctx.clock.now();
    const ttl = input.expires_at - now.getTime() / 1000;
    if (ttl < MIN_EXPIRY_SECONDS || ttl > MAX_EXPIRY_SECONDS) {
      return pspErr('bad_request', `expires_at must be between ${MIN_EXPIRY_SECONDS} s and ${MAX_EXPIRY_SECONDS / 86400} days from now`);
    }
    const expiresAt = new Date(input.expires_at * 1000);
    const c = await insertCheckout(tx, {
      id: pspId('scs'),
      account_id: account.id,
      reference_id: input.reference_id,
      idempotency_key: idempotencyKey,
      request_hash: hash,
      amount: input.amount,
      currency: input.currency,
      description: input.description ?? null,
      return_url: input.return_url ?? null,
      upi: input.upi ?? false,
      customer: input.customer ? { ...input.customer } : null,
      expires_at: expiresAt,
      created_at: now,
    });
    // A concurrent twin won the race for the key or the reference: answer as if it came first.
    if (!c) return replay(await findCheckoutBy(tx, account.id, { idempotencyKey }), hash) ?? duplicate;
    await ctx.jobs.enqueue(tx, {
      kind: JOB_EXPIRE,
      merchantId: account.merchant_id,
      payload: { checkout_id: c.id },
      runAt: expiresAt,
      dedupeKey: `${JOB_EXPIRE}:${c.id}`,
    });
    return pspOk(c);
  });
}

/**
 * A capture completes the checkout unless the merchant canceled it: an open one, and
 * an expired one too (a late authorisation). A second capture on a paid checkout is an
 * extra payment: recorded and announced, but the checkout was already paid.
 */
async function announceCapture(ctx: SandboxContext, tx: Queryable, account: PspAccount, c: PspCheckout, p: PspPayment): Promise<PspCheckout> {
  await emitEvent(ctx, tx, account, 'payment.captured', paymentEventData(p, c, chaosOf(account)));
  if (c.status === 'paid' || c.status === 'canceled') return c;
  await setCheckoutStatus(tx, c.id, 'paid', ctx.clock.now());
  const paid = { ...c, status: 'paid' as const };
  await emitEvent(ctx, tx, account, 'checkout.paid', checkoutPaidData(paid));
  return paid;
}

/**
 * The customer pays (pay page) or a test pays for them (control). accountId null: the
 * pay page, where knowing the checkout id is the capability. `amount` overrides the
 * checkout's amount to simulate an under- or over-payment.
 */
export async function payCheckout(
  ctx: SandboxContext,
  accountId: string | null,
  checkoutId: string,
  outcome: PayOutcome,
  amount?: number,
): Promise<PspResult<{ checkout: PspCheckout; payment: PspPayment }>> {
  return inTransaction(ctx, async (tx) => {
    const c = await getCheckout(tx, accountId, checkoutId, true);
    if (!c) return pspErr('not_found', `No checkout ${checkoutId}`);
    const now = ctx.clock.now();
    const status = effectiveStatus(c, now);
    if (status !== 'open') return pspErr('invalid_state', `The checkout is ${status}; it cannot be paid`);
    const account = (await getAccount(tx, c.account_id))!;
    const payment = await insertPayment(tx, {
      id: pspId('spay'),
      account_id: c.account_id,
      checkout_id: c.id,
      amount: amount ?? c.amount,
      currency: c.currency,
      status: outcome === 'success' ? 'captured' : outcome === 'pending' ? 'pending' : 'failed',
      created_at: now,
    });
    if (outcome === 'success') return pspOk({ checkout: await announceCapture(ctx, tx, account, c, payment), payment });
    await emitEvent(ctx, tx, account, outcome === 'pending' ? 'payment.pending' : 'payment.failed', paymentEventData(payment, c, chaosOf(account)));
    return pspOk({ checkout: c, payment });
  });
}

/** Test control: a pending payment completes, however late (even after the checkout expired). */
export async function settlePendingPayment(
  ctx: SandboxContext,
  account: PspAccount,
  paymentId: string,
  to: 'captured' | 'failed',
): Promise<PspResult<{ checkout: PspCheckout; payment: PspPayment }>> {
  return inTransaction(ctx, async (tx) => {
    const first = await getPayment(tx, account.id, paymentId);
    if (!first) return pspErr('not_found', `No payment ${paymentId}`);
    const c = (await getCheckout(tx, account.id, first.checkout_id, true))!;
    const p = (await getPayment(tx, account.id, paymentId, true))!;
    if (p.status !== 'pending') return pspErr('invalid_state', `The payment is ${p.status}; only a pending payment can be ${to}`);
    const payment = await updatePayment(tx, p.id, { status: to }, ctx.clock.now());
    if (to === 'captured') return pspOk({ checkout: await announceCapture(ctx, tx, account, c, payment), payment });
    await emitEvent(ctx, tx, account, 'payment.failed', paymentEventData(payment, c, chaosOf(account)));
    return pspOk({ checkout: c, payment });
  });
}

/** Cancels an open checkout. Canceling a canceled one again answers it unchanged (a safe retry). */
export async function cancelCheckout(ctx: SandboxContext, account: PspAccount, checkoutId: string): Promise<PspResult<PspCheckout>> {
  return inTransaction(ctx, async (tx) => {
    const c = await getCheckout(tx, account.id, checkoutId, true);
    if (!c) return pspErr('not_found', `No checkout ${checkoutId}`);
    if (c.status === 'canceled') return pspOk(c);
    const status = effectiveStatus(c, ctx.clock.now());
    if (status !== 'open') return pspErr('invalid_state', `The checkout is ${status}; only an open checkout can be canceled`);
    await setCheckoutStatus(tx, c.id, 'canceled', ctx.clock.now());
    const canceled = { ...c, status: 'canceled' as const };
    await emitEvent(ctx, tx, account, 'checkout.canceled', checkoutStatusData(canceled, 'canceled'));
    return pspOk(canceled);
  });
}

/** The expiry job: marks an open checkout expired once its time has come, and says so. */
export async function expireCheckout(ctx: SandboxContext, checkoutId: string): Promise<{ retryAt?: Date }> {
  return inTransaction(ctx, async (tx) => {
    const c = await getCheckout(tx, null, checkoutId, true);
    if (!c || c.status !== 'open') return {};
    if (c.expires_at.getTime() > ctx.clock.now().getTime()) return { retryAt: c.expires_at };
    await setCheckoutStatus(tx, c.id, 'expired', ctx.clock.now());
    const account = (await getAccount(tx, c.account_id))!;
    await emitEvent(ctx, tx, account, 'checkout.expired', checkoutStatusData(c, 'expired'));
    return {};
  });
}
