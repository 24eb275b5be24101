// The narrow interface every payment provider adapter implements (one folder each
// under src/adapters/providers/). The app never sees a provider's wire format: only
// these normalized shapes. Each adapter maps its statuses and events to ours in ONE
// table (see e.g. adapters/providers/sandbox/sandbox.mapping.ts).
import type { Result } from '../domain/result.ts';

/** What a provider says happened, in our words. */
export type ProviderEventKind =
  | 'payment.authorized' // money is held, not captured: NOT paid (Razorpay `authorized`)
  | 'payment.pending' // the customer started paying; the provider has not decided
  | 'payment.captured' // money captured: paid, once amount, currency and reference match
  | 'payment.failed'
  | 'checkout.completed_unpaid' // e.g. Stripe session completed with payment_status unpaid: wait
  | 'checkout.expired'
  | 'checkout.canceled'
  | 'refund.pending'
  | 'refund.succeeded'
  | 'refund.failed'
  | 'dispute.opened'
  | 'dispute.updated'
  | 'dispute.won'
  | 'dispute.lost'
  | 'ignored'; // an event type we do not act on (kept in the inbox)

export interface NormalizedEvent {
  /** The provider's id of this event (dedupe key of the inbox). */
  eventId: string;
  /** The provider's own event type, verbatim. */
  providerType: string;
  kind: ProviderEventKind;
  /** The checkout object (payment link / session) the event is about. */
  providerObjectId?: string | undefined;
  /** The provider's id of the underlying payment: the fact deduplicated across event types. */
  providerPaymentId?: string | undefined;
  /** Our payment attempt's reference id, as the provider echoes it. */
  referenceId?: string | undefined;
  /** Minor units. Absent when the event does not carry it: then only a lookup can verify. */
  amount?: number | undefined;
  currency?: string | undefined;
  providerRefundId?: string | undefined;
  /** Our refund id, when the provider echoes it (idempotency key / notes). */
  refundId?: string | undefined;
  providerDisputeId?: string | undefined;
  reason?: string | undefined;
  occurredAt: Date;
  /** On a capture: what the provider kept, tax included, and that tax (minor units), when it says. */
  fee?: number | undefined;
  feeTax?: number | undefined;
}

/** Merchant credentials for one provider, decrypted only for the call. */
export interface ProviderCredentials {
  [k: string]: string;
}

export interface CheckoutRequest {
  paymentId: string; // our pay_… id: the idempotency key of the create call
  referenceId: string;
  amount: number;
  currency: string;
  description: string;
  /** wa_id is null for a customer known by business-scoped user id only (no phone shared). */
  customer: { wa_id: string | null; name: string | null };
  expiresAt: Date;
  /** Where the provider sends the customer back (our /pay/{token}). */
  returnUrl: string;
  upi?: boolean;
  merchantId: string;
}

export interface CheckoutObject {
  providerObjectId: string;
  /** Where the customer pays. */
  url: string;
  /** For UPI intent bills: the upi://pay link and its `tr` (WhatsApp's reference_id). */
  upiIntent?: { url: string; tr: string };
  expiresAt: Date;
}

/** A lookup's view of one payment on a checkout object. */
export interface LookedUpPayment {
  providerPaymentId: string;
  status: 'authorized' | 'pending' | 'captured' | 'failed' | 'refunded';
  /** Minor units; always present on a capture (a capture without it is not reported). */
  amount?: number | undefined;
  currency?: string | undefined;
  /** Why a payment failed, when the provider says. */
  reason?: string | undefined;
  referenceId?: string | undefined;
  /** What the provider kept of a capture, tax included, and that tax, when it says. */
  fee?: number | undefined;
  feeTax?: number | undefined;
}

/** A refund the lookup shows (providers whose refunds are followed through lookups). */
export interface LookedUpRefund {
  providerRefundId: string;
  status: 'pending' | 'succeeded' | 'failed';
}

export interface LookupResult {
  objectStatus: 'open' | 'paid' | 'expired' | 'canceled';
  payments: LookedUpPayment[];
  refunds?: LookedUpRefund[];
}

export interface RefundRequest {
  refundId: string; // our rfd_… id: the provider's idempotency key
  providerPaymentId: string;
  amount: number;
  currency: string;
  reason?: string | undefined;
  /** Our attempt's reference id (providers that name the payment by it, like WhatsApp Pay). */
  referenceId?: string | undefined;
}

export interface RefundResult {
  providerRefundId: string;
  status: 'pending' | 'succeeded' | 'failed';
}

/** Why a webhook is refused: a body or header that is not the provider's (malformed), or a signature that does not verify. */
export interface WebhookRefusal {
  kind: 'malformed' | 'unauthorized';
  reason: string;
}

export type WebhookCheck = Result<NormalizedEvent[], WebhookRefusal>;

export interface PaymentProviderAdapter {
  readonly name: string;
  /** Payments are looked up by our reference alone (no checkout object: WhatsApp Pay). */
  readonly lookupByReference?: boolean;
  /** False when the provider's refund call takes no idempotency key: ask once, then follow through lookups. */
  readonly idempotentRefunds?: boolean;
  /** Verifies the provider's signature over the raw bytes with any of the secrets (rotation), then parses. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, secrets: string[], now: Date): WebhookCheck;
  createCheckout(creds: ProviderCredentials, req: CheckoutRequest): Promise<CheckoutObject>;
  lookup(creds: ProviderCredentials, providerObjectId: string, referenceId: string, hints?: { currency?: string }): Promise<LookupResult>;
  refund(creds: ProviderCredentials, req: RefundRequest): Promise<RefundResult>;
  /** Cancels or expires the checkout object so no new payment can start on it. */
  cancel(creds: ProviderCredentials, providerObjectId: string): Promise<{ objectStatus: LookupResult['objectStatus'] }>;
  /** Sandbox providers only: opens a test account for a merchant on first use. */
  provisionAccount?(q: import('./store/db.ts').Queryable, merchantId: string): Promise<{ credentials: ProviderCredentials; webhookSecret: string }>;
}

/** A provider call that failed in a way a retry may fix (network, 5xx, 429). */
export class ProviderUnavailableError extends Error {}
/** A provider call the provider refused (bad request, auth): retrying will not help. */
export class ProviderRejectedError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
