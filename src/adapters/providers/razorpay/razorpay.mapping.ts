// Razorpay in our words: the ONE table of event types, the status tables, and the
// pure pieces of the adapter (webhook envelope → NormalizedEvent, the payment link
// create body, the expire_by clamp). No I/O here, so all of it is table-tested.
import type {
  CheckoutRequest,
  LookedUpPayment,
  LookupResult,
  NormalizedEvent,
  ProviderEventKind,
  RefundResult,
} from '../../../platform/payment-provider.port.ts';

/** Webhook event types → what they mean to us. Anything not listed is 'ignored' (kept in the inbox). */
export const RAZORPAY_EVENT_KINDS: Record<string, ProviderEventKind> = {
  // Money is held, not captured: never paid (late authorisation lands here first).
  'payment.authorized': 'payment.authorized',
  'payment.captured': 'payment.captured',
  'payment.failed': 'payment.failed',
  // The same capture seen from the link and the order: they meet on the pay_ id.
  'payment_link.paid': 'payment.captured',
  // We always create links with accept_partial: false; a part payment is a capture whose amount mismatches → review.
  'payment_link.partially_paid': 'payment.captured',
  'payment_link.expired': 'checkout.expired',
  'payment_link.cancelled': 'checkout.canceled',
  // With its payment entity a full capture; with the order alone only a lookup can verify it.
  'order.paid': 'payment.captured',
  'refund.created': 'refund.pending',
  'refund.processed': 'refund.succeeded',
  'refund.failed': 'refund.failed',
  'payment.dispute.created': 'dispute.opened',
  'payment.dispute.won': 'dispute.won',
  'payment.dispute.lost': 'dispute.lost',
  'payment.dispute.closed': 'dispute.updated',
  'payment.dispute.under_review': 'dispute.updated',
  'payment.dispute.action_required': 'dispute.updated',
};

export const razorpayEventKind = (type: string): ProviderEventKind => RAZORPAY_EVENT_KINDS[type] ?? 'ignored';

/** Payment link `status` → our checkout object status. */
export const RAZORPAY_LINK_STATUSES: Record<string, LookupResult['objectStatus']> = {
  created: 'open',
  // Not closed: more money may still arrive on a Standard link.
  partially_paid: 'open',
  paid: 'paid',
  expired: 'expired',
  cancelled: 'canceled',
};

/** Payment `status` → our view of one payment. */
export const RAZORPAY_PAYMENT_STATUSES: Record<string, LookedUpPayment['status']> = {
  created: 'pending',
  authorized: 'authorized',
  captured: 'captured',
  failed: 'failed',
  // Refunded money was captured first: a lookup that finds it proves the capture.
  refunded: 'refunded',
};

/** Refund `status` → our refund status. */
export const RAZORPAY_REFUND_STATUSES: Record<string, RefundResult['status']> = {
  pending: 'pending',
  processed: 'succeeded',
  failed: 'failed',
};

/** Keys of the `notes` we put on every link (Razorpay echoes link notes on its payment and order). */
export const NOTE_PAYMENT_ID = 'chatcart_payment_id';
export const NOTE_MERCHANT_ID = 'chatcart_merchant_id';
export const NOTE_REFERENCE_ID = 'chatcart_reference_id';
export const NOTE_REFUND_ID = 'chatcart_refund_id';

// ---------------------------------------------------------------- webhooks

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
const upper = (v: unknown): string | undefined => str(v)?.toUpperCase();
/** `payload.<name>.entity`, or undefined. */
const entity = (payload: Obj | undefined, name: string): Obj | undefined => obj(obj(payload?.[name])?.['entity']);
/** Razorpay (PHP) sends empty notes as `[]`: treat anything but an object as none. */
const notes = (e: Obj | undefined): Obj => obj(e?.['notes']) ?? {};

/** Razorpay's `fee` (tax included) and `tax` on a payment entity; both absent until it is captured. */
export function feeOf(payment: Obj | undefined): { fee?: number; feeTax?: number } {
  const fee = int(payment?.['fee']);
  if (fee === undefined || fee <= 0) return {};
  const tax = int(payment?.['tax']);
  return tax !== undefined && tax >= 0 && tax <= fee ? { fee, feeTax: tax } : { fee };
}

/**
 * One verified webhook envelope `{entity:'event', event, payload:{…}, created_at}` as a
 * NormalizedEvent. Fields the payload does not carry stay undefined, so the app looks
 * the payment up instead of trusting a partial event.
 */
export function normalizeRazorpayEvent(envelope: unknown, eventId: string, now: Date): NormalizedEvent | undefined {
  const env = obj(envelope);
  const type = str(env?.['event']);
  if (!env || !type) return undefined;
  const payload = obj(env['payload']);
  const payment = entity(payload, 'payment');
  const link = entity(payload, 'payment_link');
  const order = entity(payload, 'order');
  const refund = entity(payload, 'refund');
  const dispute = entity(payload, 'dispute');
  const createdAt = int(env['created_at']);
  const kind = razorpayEventKind(type);
  const ev: NormalizedEvent = { eventId, providerType: type, kind, occurredAt: createdAt !== undefined ? new Date(createdAt * 1000) : now };

  if (kind.startsWith('refund.')) {
    ev.providerRefundId = str(refund?.['id']);
    ev.providerPaymentId = str(refund?.['payment_id']) ?? str(payment?.['id']);
    ev.amount = int(refund?.['amount']);
    ev.currency = upper(refund?.['currency']);
    ev.refundId = str(notes(refund)[NOTE_REFUND_ID]);
    if (kind === 'refund.failed') ev.reason = str(refund?.['error_description']) ?? str(obj(refund?.['error'])?.['description']);
    return ev;
  }
  if (kind.startsWith('dispute.')) {
    ev.providerDisputeId = str(dispute?.['id']);
    ev.providerPaymentId = str(dispute?.['payment_id']) ?? str(payment?.['id']);
    ev.amount = int(dispute?.['amount']);
    ev.currency = upper(dispute?.['currency']);
    ev.reason = str(dispute?.['reason_code']) ?? str(dispute?.['reason_description']);
    return ev;
  }
  // Payment and link events. The reference comes from the link when the payload has
  // it, else from the notes we set on the link (echoed on the payment and the order).
  ev.providerObjectId = str(link?.['id']);
  ev.referenceId = str(link?.['reference_id']) ?? str(notes(payment)[NOTE_REFERENCE_ID]) ?? str(notes(order)[NOTE_REFERENCE_ID]);
  if (kind === 'checkout.expired' || kind === 'checkout.canceled' || kind === 'ignored') {
    if (kind === 'ignored') ev.providerPaymentId = str(payment?.['id']);
    return ev;
  }
  if (payment) {
    ev.providerPaymentId = str(payment['id']);
    // The payment's own amount: for a first part payment it equals the link's amount_paid.
    ev.amount = int(payment['amount']);
    ev.currency = upper(payment['currency']);
    // A captured payment entity carries what Razorpay kept: fee (paise, tax included) and tax.
    if (kind === 'payment.captured') Object.assign(ev, feeOf(payment));
    if (kind === 'payment.failed') ev.reason = str(payment['error_description']) ?? str(payment['error_code']);
  }
  return ev;
}

// ---------------------------------------------------------------- checkout

/** Razorpay refuses a link whose expire_by is less than 15 minutes ahead; a minute more covers transit and clock skew. */
export const MIN_EXPIRE_AHEAD_S = 16 * 60;
/** Its maximum is 6 months after creation; 180 days is inside that whatever the months. */
export const MAX_EXPIRE_AHEAD_S = 180 * 24 * 3600;

/**
 * Our expiry as Razorpay's `expire_by` (Unix seconds), clamped into what it accepts.
 * A link that outlives our order is canceled by our expiry job; a payment that lands
 * in between takes the late-payment path.
 */
export function clampExpireBy(expiresAt: Date, now: Date): number {
  const nowS = Math.ceil(now.getTime() / 1000);
  const want = Math.floor(expiresAt.getTime() / 1000);
  return Math.min(nowS + MAX_EXPIRE_AHEAD_S, Math.max(nowS + MIN_EXPIRE_AHEAD_S, want));
}

/** The `POST /v1/payment_links` body for one attempt. */
export function paymentLinkBody(req: CheckoutRequest, now: Date) {
  const upi = req.upi === true;
  return {
    amount: req.amount,
    currency: req.currency,
    // Never partial (and UPI links do not support it at all): an under-payment is a mismatch.
    accept_partial: false,
    // Unique per link at Razorpay: the natural idempotency key of the create call.
    reference_id: req.referenceId,
    description: req.description.slice(0, 2048),
    expire_by: clampExpireBy(req.expiresAt, now),
    customer: { ...(req.customer.name ? { name: req.customer.name.slice(0, 255) } : {}), ...(req.customer.wa_id ? { contact: `+${req.customer.wa_id}` } : {}) },
    // We send the link over WhatsApp ourselves.
    notify: { sms: false, email: false },
    reminder_enable: false,
    notes: { [NOTE_PAYMENT_ID]: req.paymentId, [NOTE_MERCHANT_ID]: req.merchantId, [NOTE_REFERENCE_ID]: req.referenceId },
    callback_url: req.returnUrl,
    callback_method: 'get',
    upi_link: upi,
  };
}

export type PaymentLinkBody = ReturnType<typeof paymentLinkBody>;
