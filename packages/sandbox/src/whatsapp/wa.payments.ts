// WhatsApp Pay in payment-gateway mode (whatsapp.md §3.3): the customer pays an
// order_details bill (pending, captured or failed, each announced by a payment status
// webhook), the business looks the payment up and refunds it through Meta's API; a
// refund settles a little later and is announced with refunds[] on the payment.
import { isObj, money, type Obj } from './wa.check.ts';
import { checkWaId, numberFor } from './wa.customer.ts';
import { bad, fail, okv, type Checked } from './wa.errors.ts';
import {
  getOrder,
  getRefund,
  insertRefund,
  insertTransaction,
  listRefunds,
  listTransactions,
  settleRefund,
  updateTransaction,
} from './wa-payments.repository.ts';
import { getSettings } from './wa.repository.ts';
import { chance, chaosOf, gatewayId, JOB_SETTLE_REFUND, REFUND_SETTLE_MS, unixSeconds, type WaOrder, type WaRefund, type WaTransaction } from './wa.types.ts';
import { changeValue, emitChange } from './wa.webhooks.ts';
import { type Queryable, type SandboxContext, type SandboxJobHandler, inTransaction, type SandboxNumber } from '../host.ts';

const amountOf = (value: number, offset: number) => ({ value, offset });

function presentRefund(r: WaRefund) {
  return {
    id: r.id,
    amount: amountOf(r.amount_value, r.amount_offset),
    speed_processed: r.speed_processed,
    status: r.status,
    created_timestamp: unixSeconds(r.created_at),
    updated_timestamp: unixSeconds(r.updated_at),
  };
}

function presentTransaction(t: WaTransaction, refunds: WaRefund[]): Obj {
  return {
    id: t.id,
    pg_transaction_id: t.pg_transaction_id,
    type: t.gateway,
    status: t.status,
    created_timestamp: unixSeconds(t.created_at),
    updated_timestamp: unixSeconds(t.updated_at),
    amount: amountOf(t.amount_value, t.amount_offset),
    currency: t.currency,
    method: { type: t.method },
    // Meta sends null for what a transaction does not have (a relay of its webhook shows it).
    error: t.error ?? null,
    refunds: refunds.filter((r) => r.transaction_id === t.id).map(presentRefund),
  };
}

/** One entry of the lookup's payments[] (also what the customer API answers). */
export function presentPayment(o: WaOrder, txs: WaTransaction[], refunds: WaRefund[]): Obj {
  return {
    reference_id: o.reference_id,
    status: txs.some((t) => t.status === 'success') ? 'captured' : 'pending',
    currency: o.currency,
    total_amount: amountOf(o.total_value, o.total_offset),
    transactions: txs.map((t) => presentTransaction(t, refunds)),
    receipt: null,
    notes: null,
    ...o.gateway_extras,
  };
}

const WEBHOOK_STATUS = { pending: 'pending', success: 'captured', failed: 'failed' } as const;

/** A payment status webhook (statuses[].type = payment). */
async function emitPayment(ctx: SandboxContext, tx: Queryable, n: SandboxNumber, o: WaOrder, t: WaTransaction, refunds?: WaRefund[]) {
  const { refunds: _all, ...transaction } = presentTransaction(t, []);
  const payment: Obj = {
    reference_id: o.reference_id,
    amount: amountOf(o.total_value, o.total_offset),
    currency: o.currency,
    transaction,
    ...o.gateway_extras,
  };
  if (refunds) payment['refunds'] = refunds.map(presentRefund);
  const status = {
    id: o.wamid,
    from: o.wa_id,
    recipient_id: o.wa_id,
    type: 'payment',
    status: WEBHOOK_STATUS[t.status],
    payment,
    timestamp: String(unixSeconds(ctx.clock.now())),
  };
  await emitChange(ctx, tx, n, changeValue(n, { statuses: [status] }));
}

export type Outcome = 'success' | 'failure' | 'pending';

/** POST /sandbox/customers/{wa_id}/payments: the customer pays (or fails to pay) a WhatsApp Pay bill. */
export async function customerPays(
  ctx: SandboxContext,
  wa: string,
  b: { phone_number_id: string; reference_id: string; outcome: Outcome; method?: string | undefined },
): Promise<Checked<Obj>> {
  const badWa = checkWaId(wa);
  if (badWa) return { ok: false, error: badWa };
  const number = await numberFor(ctx, b.phone_number_id);
  if (!number.ok) return number;
  const n = number.value;
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const o = await getOrder(tx, n.phone_number_id, b.reference_id, true);
    if (!o || o.wa_id !== wa) return bad(100, `No bill with reference_id ${b.reference_id} was sent to ${wa} from this number`, { status: 404 });
    if (o.payment_mode !== 'payment_gateway') {
      return bad(
        100,
        'This bill is not paid through WhatsApp Pay (payment_settings payment_gateway): in UPI intent mode the customer pays in a UPI app and WhatsApp sends no payment webhook',
      );
    }
    if (o.status === 'canceled') return bad(100, 'This order was canceled: the pay button is gone');
    if (o.expires_at && o.expires_at.getTime() <= now.getTime()) return bad(100, 'This bill has expired: the pay button is disabled');
    const txs = await listTransactions(tx, n.phone_number_id, [o.reference_id]);
    if (txs.some((t) => t.status === 'success')) return bad(100, 'This bill is already paid');
    const pending = txs.find((t) => t.status === 'pending');
    if (pending && b.outcome === 'pending') return bad(100, 'A payment of this bill is already pending');
    const error = b.outcome === 'failure' ? { code: 'BAD_REQUEST_ERROR', reason: 'payment_failed' } : null;
    const status = b.outcome === 'success' ? 'success' : b.outcome === 'failure' ? 'failed' : 'pending';
    let t: WaTransaction;
    if (pending) {
      t = await updateTransaction(tx, pending.id, status, error, now);
    } else {
      t = await insertTransaction(tx, {
        id: gatewayId('order'),
        phone_number_id: n.phone_number_id,
        reference_id: o.reference_id,
        pg_transaction_id: gatewayId('pay'),
        gateway: o.gateway ?? 'razorpay',
        method: b.method ?? 'upi',
        status: status === 'success' ? 'pending' : status,
        amount_value: o.total_value,
        amount_offset: o.total_offset,
        currency: o.currency,
        error,
        created_at: now,
      });
      // A successful payment is first seen pending (the customer approved it in the UPI app), then captured.
      if (status === 'success') {
        await emitPayment(ctx, tx, n, o, t);
        t = await updateTransaction(tx, t.id, 'success', null, now);
      }
    }
    await emitPayment(ctx, tx, n, o, t);
    const all = await listTransactions(tx, n.phone_number_id, [o.reference_id]);
    return okv(
      presentPayment(
        o,
        all,
        await listRefunds(
          tx,
          all.map((x) => x.id),
        ),
      ),
    );
  });
}

/** GET /{phone_number_id}/payments/{configuration}/{reference_id}. */
export async function lookupPayment(ctx: SandboxContext, n: SandboxNumber, configuration: string, referenceId: string): Promise<Checked<Obj>> {
  const o = await getOrder(ctx.db, n.phone_number_id, referenceId);
  if (!o || o.configuration_name !== configuration) {
    return bad(100, `No payment found for reference_id ${referenceId} under payment configuration ${configuration}`, { status: 404 });
  }
  const txs = await listTransactions(ctx.db, n.phone_number_id, [referenceId]);
  return okv({
    payments: [
      presentPayment(
        o,
        txs,
        await listRefunds(
          ctx.db,
          txs.map((t) => t.id),
        ),
      ),
    ],
  });
}

/** POST /{phone_number_id}/payments_refund: {id, status: pending, speed_processed}. */
export async function requestRefund(ctx: SandboxContext, n: SandboxNumber, body: unknown): Promise<Checked<Obj>> {
  const b: Obj = isObj(body) ? body : {};
  for (const k of ['reference_id', 'payment_config_id', 'amount'])
    if (b[k] === undefined) return { ok: false, error: fail(100, `The parameter ${k} is required.`) };
  const speed = b['speed'] ?? 'normal';
  if (speed !== 'normal' && speed !== 'instant') return bad(100, `Param speed must be one of {NORMAL, INSTANT} - got "${String(speed)}".`);
  const amount = money('amount', b['amount']);
  if (!amount.ok) return amount;
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const o = typeof b['reference_id'] === 'string' ? await getOrder(tx, n.phone_number_id, b['reference_id'], true) : undefined;
    if (!o || o.configuration_name !== b['payment_config_id'])
      return bad(100, `No payment found for reference_id ${String(b['reference_id'])} under payment configuration ${String(b['payment_config_id'])}`);
    const txs = await listTransactions(tx, n.phone_number_id, [o.reference_id]);
    const paid = txs.find((t) => t.status === 'success');
    if (!paid) return bad(131009, `reference_id ${o.reference_id} has no successful payment to refund`);
    const a = amount.value!;
    if (b['amount']['currency'] !== paid.currency) return bad(131009, `amount.currency must be ${paid.currency}`);
    if (a.offset !== paid.amount_offset) return bad(131009, `amount.offset must be ${paid.amount_offset}`);
    const taken = (await listRefunds(tx, [paid.id])).filter((r) => r.status !== 'failed').reduce((s, r) => s + r.amount_value, 0);
    if (a.value <= 0 || a.value > paid.amount_value - taken)
      return bad(131009, `amount.value must be between 1 and ${paid.amount_value - taken} (what is left to refund)`);
    const r = await insertRefund(tx, {
      id: gatewayId('rfnd'),
      transaction_id: paid.id,
      amount_value: a.value,
      amount_offset: a.offset,
      currency: paid.currency,
      speed_requested: speed,
      speed_processed: speed,
      status: 'pending',
      created_at: now,
    });
    await ctx.jobs.enqueue(tx, {
      kind: JOB_SETTLE_REFUND,
      merchantId: n.merchant_id,
      payload: { refund_id: r.id, phone_number_id: n.phone_number_id, reference_id: o.reference_id },
      runAt: new Date(now.getTime() + REFUND_SETTLE_MS),
      dedupeKey: `${JOB_SETTLE_REFUND}:${r.id}`,
    });
    return okv({ id: r.id, status: 'pending', speed_processed: r.speed_processed });
  });
}

export function settleRefundJobHandler(ctx: SandboxContext): SandboxJobHandler {
  return async (job) => {
    const id = String(job.payload['refund_id'] ?? '');
    const pnid = String(job.payload['phone_number_id'] ?? '');
    const ref = String(job.payload['reference_id'] ?? '');
    const n = await ctx.business.number(ctx.db, pnid);
    if (!id || !n) throw ctx.jobs.permanent(`${JOB_SETTLE_REFUND}: refund ${id} or number ${pnid} is unknown`);
    await inTransaction(ctx, async (tx) => {
      const o = await getOrder(tx, pnid, ref, true);
      const r = await getRefund(tx, id, true);
      if (!o || !r) throw ctx.jobs.permanent(`${JOB_SETTLE_REFUND}: refund ${id} does not exist`);
      if (r.status !== 'pending') return;
      await settleRefund(tx, id, chance(chaosOf(await getSettings(tx, pnid)).fail_refunds) ? 'failed' : 'success', ctx.clock.now());
      const t = (await listTransactions(tx, pnid, [ref])).find((x) => x.id === r.transaction_id)!;
      await emitPayment(ctx, tx, n, o, t, await listRefunds(tx, [t.id]));
    });
  };
}
