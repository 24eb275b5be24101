// Stripe's event types and statuses in our words: the one table, plus the pure
// helpers around it (event normalization, the Checkout Session expiry clamp).
// Stripe amounts are in the currency's smallest unit, as ours are (zero-decimal
// currencies such as JPY are already whole units); its currency codes are lowercase.
import type { LookedUpPayment, LookupResult, NormalizedEvent, ProviderEventKind, RefundResult } from '../../../platform/payment-provider.port.ts';

/** A Stripe API object as it arrives in an event or a response: read defensively. */
export type StripeObject = Record<string, any>;

/** Which object an event carries in `data.object`, and how its kind follows from it. */
interface EventRule {
  object: 'checkout.session' | 'payment_intent' | 'charge' | 'refund' | 'dispute';
  kind: ProviderEventKind | ((o: StripeObject) => ProviderEventKind);
}

/** A refund's status in our words (`requires_action` waits on the customer; `canceled` never pays out). */
export const STRIPE_REFUND_STATUSES: Record<string, RefundResult['status']> = {
  pending: 'pending',
  requires_action: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'failed',
};

const refundKind = (r: StripeObject): ProviderEventKind => `refund.${STRIPE_REFUND_STATUSES[String(r['status'])] ?? 'pending'}` as ProviderEventKind;

/** A closed dispute: `won` (and an inquiry closed without a chargeback) keeps the money; `lost` does not. */
export const STRIPE_DISPUTE_CLOSED: Record<string, ProviderEventKind> = {
  won: 'dispute.won',
  warning_closed: 'dispute.won',
  lost: 'dispute.lost',
};

export const STRIPE_EVENTS: Record<string, EventRule> = {
  // Completed is not paid: delayed methods complete `unpaid` and pay (or fail) later.
  'checkout.session.completed': {
    object: 'checkout.session',
    kind: (s) => (s['payment_status'] === 'paid' ? 'payment.captured' : 'checkout.completed_unpaid'),
  },
  'checkout.session.async_payment_succeeded': { object: 'checkout.session', kind: 'payment.captured' },
  'checkout.session.async_payment_failed': { object: 'checkout.session', kind: 'payment.failed' },
  'checkout.session.expired': { object: 'checkout.session', kind: 'checkout.expired' },
  'payment_intent.succeeded': { object: 'payment_intent', kind: 'payment.captured' },
  'payment_intent.processing': { object: 'payment_intent', kind: 'payment.pending' },
  'payment_intent.payment_failed': { object: 'payment_intent', kind: 'payment.failed' },
  'payment_intent.amount_capturable_updated': { object: 'payment_intent', kind: 'payment.authorized' },
  // One normalized event per refund listed on the charge (the list is absent unless expanded).
  'charge.refunded': { object: 'charge', kind: refundKind },
  'charge.refund.updated': { object: 'refund', kind: refundKind },
  'refund.created': { object: 'refund', kind: refundKind },
  'refund.updated': { object: 'refund', kind: refundKind },
  'refund.failed': { object: 'refund', kind: refundKind },
  'charge.dispute.created': { object: 'dispute', kind: 'dispute.opened' },
  'charge.dispute.updated': { object: 'dispute', kind: 'dispute.updated' },
  'charge.dispute.closed': { object: 'dispute', kind: (d) => STRIPE_DISPUTE_CLOSED[String(d['status'])] ?? 'dispute.updated' },
};

/** A PaymentIntent's status as a lookup reports it; undefined: nothing has happened yet. */
export function intentPaymentStatus(pi: StripeObject): LookedUpPayment['status'] | undefined {
  switch (pi['status']) {
    case 'succeeded':
      return 'captured';
    case 'processing':
    case 'requires_action':
      return 'pending';
    case 'requires_capture':
      return 'authorized';
    case 'canceled':
      return 'failed';
    case 'requires_payment_method':
      // Back to requiring a method after an attempt: that attempt failed.
      return pi['last_payment_error'] ? 'failed' : undefined;
    default:
      return undefined;
  }
}

/** A Checkout Session's state; a completed session still waiting for a delayed payment stays open. */
export function sessionObjectStatus(s: StripeObject): LookupResult['objectStatus'] {
  if (s['status'] === 'expired') return 'expired';
  if (s['status'] === 'complete' && s['payment_status'] === 'paid') return 'paid';
  return 'open';
}

/** Stripe's bounds on a Checkout Session's `expires_at`, from its creation. */
export const STRIPE_EXPIRY_MIN_S = 30 * 60;
export const STRIPE_EXPIRY_MAX_S = 24 * 3600;
/** Kept inside the bounds so clock skew and the request's own latency never cross them. */
export const STRIPE_EXPIRY_MARGIN_S = 60;
/**
 * A clamped expiry is rounded to whole hours (up from the minimum, down from the
 * maximum): a retry of the same create moments later then sends the same
 * `expires_at`, which Stripe's idempotency requires (same key, same parameters).
 */
export const STRIPE_EXPIRY_STEP_S = 3600;

/** The attempt's expiry clamped to what Stripe accepts, in whole seconds. */
export function clampExpiresAt(expiresAt: Date, now: Date): Date {
  const nowS = Math.floor(now.getTime() / 1000);
  const lo = nowS + STRIPE_EXPIRY_MIN_S + STRIPE_EXPIRY_MARGIN_S;
  const hi = nowS + STRIPE_EXPIRY_MAX_S - STRIPE_EXPIRY_MARGIN_S;
  const want = Math.floor(expiresAt.getTime() / 1000);
  const step = STRIPE_EXPIRY_STEP_S;
  if (want < lo) return new Date(Math.ceil(lo / step) * step * 1000);
  if (want > hi) return new Date(Math.floor(hi / step) * step * 1000);
  return new Date(want * 1000);
}

export const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as StripeObject)['id'] === 'string' ? (v as StripeObject)['id'] : undefined;
export const upperCurrency = (c: unknown): string | undefined => (typeof c === 'string' && c ? c.toUpperCase() : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const meta = (o: StripeObject, key: string): string | undefined => str((o['metadata'] as StripeObject | undefined)?.[key]);

/** What one object says, by the kind of object it is. */
function fields(rule: EventRule['object'], o: StripeObject): Omit<NormalizedEvent, 'eventId' | 'providerType' | 'kind' | 'occurredAt'> {
  switch (rule) {
    case 'checkout.session':
      return {
        providerObjectId: str(o['id']),
        // The session and its PaymentIntent are one payment: the intent id dedupes them.
        providerPaymentId: idOf(o['payment_intent']),
        referenceId: str(o['client_reference_id']) ?? meta(o, 'chatcart_reference_id'),
        amount: num(o['amount_total']),
        currency: upperCurrency(o['currency']),
      };
    case 'payment_intent': {
      const err = o['last_payment_error'] as StripeObject | null | undefined;
      return {
        providerPaymentId: str(o['id']),
        referenceId: meta(o, 'chatcart_reference_id'),
        amount: o['status'] === 'succeeded' ? num(o['amount_received']) : num(o['amount']),
        currency: upperCurrency(o['currency']),
        reason: str(err?.['message']) ?? str(err?.['code']),
      };
    }
    case 'refund':
      return {
        providerRefundId: str(o['id']),
        refundId: meta(o, 'chatcart_refund_id'),
        providerPaymentId: idOf(o['payment_intent']),
        amount: num(o['amount']),
        currency: upperCurrency(o['currency']),
        reason: str(o['failure_reason']),
      };
    case 'dispute':
      return {
        providerDisputeId: str(o['id']),
        providerPaymentId: idOf(o['payment_intent']),
        amount: num(o['amount']),
        currency: upperCurrency(o['currency']),
        reason: str(o['reason']),
      };
    case 'charge':
      return { providerPaymentId: idOf(o['payment_intent']), amount: num(o['amount_refunded']), currency: upperCurrency(o['currency']) };
  }
}

/** One verified Stripe event in our words (several for a charge listing several refunds). */
export function normalizeStripeEvent(e: { id: string; type: string; created?: unknown; data: { object: StripeObject } }, now: Date): NormalizedEvent[] {
  const base = { eventId: e.id, providerType: e.type, occurredAt: typeof e.created === 'number' ? new Date(e.created * 1000) : now };
  const rule = STRIPE_EVENTS[e.type];
  const o = e.data.object;
  if (!rule) return [{ ...base, kind: 'ignored' }];
  if (rule.object === 'charge') {
    const refunds = ((o['refunds'] as StripeObject | undefined)?.['data'] ?? []) as StripeObject[];
    // Without the charge's refund list we cannot tell which refund this is: refund.updated says.
    if (!Array.isArray(refunds) || refunds.length === 0) return [{ ...base, kind: 'ignored', ...fields('charge', o) }];
    return refunds.map((r) => ({ ...base, kind: refundKind(r), ...fields('refund', { ...r, payment_intent: r['payment_intent'] ?? o['payment_intent'] }) }));
  }
  const kind = typeof rule.kind === 'function' ? rule.kind(o) : rule.kind;
  return [{ ...base, kind, ...fields(rule.object, o) }];
}
