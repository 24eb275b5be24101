// Refunds and disputes at the sandbox PSP. A refund is accepted as pending and settled
// by a job shortly after, like a real PSP's (Razorpay's refund.processed comes later).
import { requestHash } from './psp.checkouts.ts';
import { disputeEventData, refundEventData } from './psp.present.ts';
import {
  closeDispute,
  findRefundByKey,
  getAccount,
  getDispute,
  getPayment,
  getRefund,
  insertDispute,
  insertRefund,
  refundedOrPending,
  settleRefund,
  updatePayment,
} from './psp.repository.ts';
import { chaosRandom, emitEvent } from './psp.webhooks.ts';
import {
  chaosOf,
  JOB_SETTLE_REFUND,
  pspErr,
  pspId,
  pspOk,
  REFUND_SETTLE_MS,
  type PspAccount,
  type PspDispute,
  type PspRefund,
  type PspResult,
} from './psp.types.ts';
import { type SandboxContext, inTransaction } from '../host.ts';

export interface RefundInput {
  payment_id: string;
  /** Defaults to what is left to refund. */
  amount?: number | undefined;
  reason?: string | undefined;
}

export async function createRefund(ctx: SandboxContext, account: PspAccount, idempotencyKey: string, input: RefundInput): Promise<PspResult<PspRefund>> {
  const hash = requestHash(input);
  const replay = (r: PspRefund | undefined) =>
    r && (r.request_hash === hash ? pspOk(r) : pspErr<PspRefund>('idempotency_mismatch', 'This Idempotency-Key was used with a different refund request'));
  return inTransaction(ctx, async (tx) => {
    const again = replay(await findRefundByKey(tx, account.id, idempotencyKey));
    if (again) return again;
    // Locking the payment serialises refunds of it, so two cannot both fit the same remainder.
    const p = await getPayment(tx, account.id, input.payment_id, true);
    if (!p) return pspErr('not_found', `No payment ${input.payment_id}`);
    // A twin with the same key may have committed while we waited for the lock: answer it as a replay.
    const twin = replay(await findRefundByKey(tx, account.id, idempotencyKey));
    if (twin) return twin;
    if (p.status !== 'captured' && p.status !== 'refunded')
      return pspErr('invalid_state', `The payment is ${p.status}; only a captured payment can be refunded`);
    const left = p.amount - (await refundedOrPending(tx, p.id));
    const amount = input.amount ?? left;
    if (amount <= 0 || amount > left) {
      return pspErr('amount_exceeds_refundable', `At most ${Math.max(0, left)} can still be refunded on payment ${p.id}`);
    }
    const now = ctx.clock.now();
    const r = await insertRefund(tx, {
      id: pspId('srf'),
      account_id: account.id,
      payment_id: p.id,
      idempotency_key: idempotencyKey,
      request_hash: hash,
      amount,
      currency: p.currency,
      reason: input.reason ?? null,
      created_at: now,
    });
    if (!r) return replay(await findRefundByKey(tx, account.id, idempotencyKey)) ?? pspErr('internal_error', 'The refund could not be recorded');
    await ctx.jobs.enqueue(tx, {
      kind: JOB_SETTLE_REFUND,
      merchantId: account.merchant_id,
      payload: { refund_id: r.id },
      runAt: new Date(now.getTime() + REFUND_SETTLE_MS),
      dedupeKey: `${JOB_SETTLE_REFUND}:${r.id}`,
    });
    return pspOk(r);
  });
}

/** The settlement job: the bank answers. A fully refunded payment then reads as refunded. */
export async function settlePendingRefund(ctx: SandboxContext, refundId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const pending = await getRefund(tx, null, refundId);
    if (!pending || pending.status !== 'pending') return;
    const account = (await getAccount(tx, pending.account_id))!;
    const p = (await getPayment(tx, account.id, pending.payment_id, true))!;
    const r = await getRefund(tx, null, refundId, true);
    if (!r || r.status !== 'pending') return;
    const now = ctx.clock.now();
    const fails = chaosOf(account).fail_refunds > 0 && chaosRandom.next() < chaosOf(account).fail_refunds;
    const settled = await settleRefund(tx, r.id, fails ? 'failed' : 'succeeded', now);
    if (!fails) {
      const refunded = p.amount_refunded + r.amount;
      await updatePayment(tx, p.id, { status: refunded >= p.amount ? 'refunded' : p.status, amountRefunded: refunded }, now);
    }
    await emitEvent(ctx, tx, account, fails ? 'refund.failed' : 'refund.succeeded', refundEventData(settled));
  });
}

export interface DisputeInput {
  payment_id: string;
  amount?: number | undefined;
  reason?: string | undefined;
}

/** Test control: the customer's bank opens a dispute (chargeback) on a captured payment. */
export async function openDispute(ctx: SandboxContext, account: PspAccount, input: DisputeInput): Promise<PspResult<PspDispute>> {
  return inTransaction(ctx, async (tx) => {
    const p = await getPayment(tx, account.id, input.payment_id, true);
    if (!p) return pspErr('not_found', `No payment ${input.payment_id}`);
    if (p.status !== 'captured' && p.status !== 'refunded')
      return pspErr('invalid_state', `The payment is ${p.status}; only a captured payment can be disputed`);
    const amount = input.amount ?? p.amount;
    if (amount > p.amount) return pspErr('bad_request', `A dispute cannot exceed the payment's ${p.amount}`);
    const d = await insertDispute(tx, {
      id: pspId('sdp'),
      account_id: account.id,
      payment_id: p.id,
      amount,
      currency: p.currency,
      reason: input.reason ?? 'general',
      created_at: ctx.clock.now(),
    });
    await emitEvent(ctx, tx, account, 'dispute.opened', disputeEventData(d));
    return pspOk(d);
  });
}

/** Test control: the dispute is decided. */
export async function decideDispute(ctx: SandboxContext, account: PspAccount, disputeId: string, outcome: 'won' | 'lost'): Promise<PspResult<PspDispute>> {
  return inTransaction(ctx, async (tx) => {
    const d = await getDispute(tx, account.id, disputeId, true);
    if (!d) return pspErr('not_found', `No dispute ${disputeId}`);
    if (d.status !== 'open') return pspErr('invalid_state', `The dispute is already ${d.status}`);
    const closed = await closeDispute(tx, d.id, outcome, ctx.clock.now());
    await emitEvent(ctx, tx, account, outcome === 'won' ? 'dispute.won' : 'dispute.lost', disputeEventData(closed));
    return pspOk(closed);
  });
}
