// The sandbox PSP's wire shapes: what its API answers and what its events carry.
// Times are unix seconds and amounts minor units, as Razorpay does.
import { formatMinor } from '../../../../src/domain/money.ts';
import {
  pspFee,
  sandboxPspPayUrl,
  unixSeconds,
  type CheckoutStatus,
  type PspChaos,
  type PspCheckout,
  type PspDispute,
  type PspPayment,
  type PspRefund,
} from './psp.types.ts';

/** A checkout past its expiry reads as expired even before the expiry job has run. */
export function effectiveStatus(c: Pick<PspCheckout, 'status' | 'expires_at'>, now: Date): CheckoutStatus {
  return c.status === 'open' && c.expires_at.getTime() <= now.getTime() ? 'expired' : c.status;
}

export const UPI_PAYEE = 'chatcart.sandbox@psp';

/** The UPI intent a customer's UPI app would open; `tr` is the reference (WhatsApp's reference_id). */
export function upiIntent(c: Pick<PspCheckout, 'reference_id' | 'amount' | 'currency'>): string {
  return `upi://pay?pa=${UPI_PAYEE}&pn=Sandbox&tr=${encodeURIComponent(c.reference_id)}&am=${formatMinor(c.amount, c.currency)}&cu=${c.currency}`;
}

/** The fee and its tax once the payment is captured; null before, as Razorpay's payment entity. */
export function feeFields(p: Pick<PspPayment, 'status' | 'amount'>, rates: PspChaos): { fee: number | null; tax: number | null } {
  if (p.status !== 'captured' && p.status !== 'refunded') return { fee: null, tax: null };
  return pspFee(p.amount, rates);
}

export function presentPayment(p: PspPayment, c: Pick<PspCheckout, 'reference_id'>, rates: PspChaos) {
  return {
    id: p.id,
    object: 'payment' as const,
    status: p.status,
    amount: p.amount,
    amount_refunded: p.amount_refunded,
    currency: p.currency,
    ...feeFields(p, rates),
    checkout_id: p.checkout_id,
    reference_id: c.reference_id,
    created_at: unixSeconds(p.created_at),
  };
}

export function presentCheckout(c: PspCheckout, payments: PspPayment[], now: Date, publicUrl: string, rates: PspChaos) {
  return {
    id: c.id,
    object: 'checkout' as const,
    status: effectiveStatus(c, now),
    amount: c.amount,
    amount_paid: payments.filter((p) => p.status === 'captured' || p.status === 'refunded').reduce((s, p) => s + p.amount, 0),
    currency: c.currency,
    reference_id: c.reference_id,
    description: c.description,
    customer: c.customer,
    url: sandboxPspPayUrl(publicUrl, c.id),
    upi_intent: c.upi ? upiIntent(c) : null,
    return_url: c.return_url,
    expires_at: unixSeconds(c.expires_at),
    created_at: unixSeconds(c.created_at),
    payments: payments.map((p) => presentPayment(p, c, rates)),
  };
}

export function presentRefund(r: PspRefund) {
  return {
    id: r.id,
    object: 'refund' as const,
    status: r.status,
    payment_id: r.payment_id,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    created_at: unixSeconds(r.created_at),
  };
}

export function presentDispute(d: PspDispute) {
  return {
    id: d.id,
    object: 'dispute' as const,
    status: d.status,
    payment_id: d.payment_id,
    amount: d.amount,
    currency: d.currency,
    reason: d.reason,
    created_at: unixSeconds(d.created_at),
  };
}

// ---- event payloads (`data` of the envelope)

export const paymentEventData = (p: PspPayment, c: Pick<PspCheckout, 'reference_id'>, rates: PspChaos) => ({
  payment: {
    id: p.id,
    checkout_id: p.checkout_id,
    reference_id: c.reference_id,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    ...feeFields(p, rates),
  },
});

/** Thin on purpose: no amount, so a receiver has to look the checkout up. */
export const checkoutPaidData = (c: PspCheckout) => ({ checkout: { id: c.id, reference_id: c.reference_id } });

export const checkoutStatusData = (c: PspCheckout, status: CheckoutStatus) => ({
  checkout: { id: c.id, reference_id: c.reference_id, status },
});

export const refundEventData = (r: PspRefund) => ({
  refund: { id: r.id, payment_id: r.payment_id, amount: r.amount, currency: r.currency, status: r.status, idempotency_key: r.idempotency_key },
});

export const disputeEventData = (d: PspDispute) => ({
  dispute: { id: d.id, payment_id: d.payment_id, amount: d.amount, currency: d.currency, reason: d.reason, status: d.status },
});
