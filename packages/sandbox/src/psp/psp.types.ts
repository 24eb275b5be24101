// Shapes of the sandbox payment provider double: its stored rows, the chaos knobs, its
// ids and the closed list of its error codes. It plays an external PSP (Razorpay-like),
// so its wire names are its own, not chatcart's.
import type { Result } from '../../../../src/domain/result.ts';
import { monotonicFactory } from 'ulidx';

export interface PspAccount {
  id: string;
  merchant_id: string;
  key_id: string;
  key_secret: string;
  webhook_secret: string;
  webhook_url: string | null;
  chaos: Partial<PspChaos>;
  created_at: Date;
}

export type CheckoutStatus = 'open' | 'paid' | 'expired' | 'canceled';
export type PaymentStatus = 'pending' | 'captured' | 'failed' | 'refunded';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type DisputeStatus = 'open' | 'won' | 'lost';

export interface PspCheckout {
  id: string;
  account_id: string;
  reference_id: string;
  idempotency_key: string;
  request_hash: string;
  amount: number;
  currency: string;
  description: string | null;
  return_url: string | null;
  upi: boolean;
  customer: { name?: string; contact?: string } | null;
  /** As stored; read it through effectiveStatus(), which also knows the clock. */
  status: CheckoutStatus;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface PspPayment {
  id: string;
  account_id: string;
  checkout_id: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  amount_refunded: number;
  created_at: Date;
  updated_at: Date;
}

export interface PspRefund {
  id: string;
  account_id: string;
  payment_id: string;
  idempotency_key: string;
  request_hash: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: RefundStatus;
  created_at: Date;
  settled_at: Date | null;
}

export interface PspDispute {
  id: string;
  account_id: string;
  payment_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: DisputeStatus;
  created_at: Date;
  closed_at: Date | null;
}

export interface PspEvent {
  id: string;
  account_id: string;
  type: PspEventType;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface PspDelivery {
  id: string;
  event_id: string;
  url: string | null;
  status_code: number | null;
  error: string | null;
  attempted_at: Date;
}

export const PSP_EVENT_TYPES = [
  'payment.pending',
  'payment.captured',
  'payment.failed',
  'checkout.paid',
  'checkout.expired',
  'checkout.canceled',
  'refund.succeeded',
  'refund.failed',
  'dispute.opened',
  'dispute.won',
  'dispute.lost',
] as const;
export type PspEventType = (typeof PSP_EVENT_TYPES)[number];

/** The misbehaviour a merchant can switch on to test a webhook receiver. */
export interface PspChaos {
  /** Probability (0..1) that an event is delivered a second time (same event id). */
  duplicate: number;
  /** Random delay of up to 2 s per delivery, so events arrive out of order. */
  reorder: boolean;
  /** Every delivery waits this long first. */
  delay_ms: number;
  /** Probability (0..1) that an event is never delivered: only a lookup finds it. */
  drop: number;
  /** Probability (0..1) that a refund settles as failed instead of succeeded. */
  fail_refunds: number;
  /** Not chaos but the account's price: the fee on a capture as a fraction of it (Razorpay's standard 2%). */
  fee_rate: number;
  /** Tax on that fee (India's 18% GST); like Razorpay, the payment's `fee` includes it and `tax` states it. */
  fee_tax_rate: number;
}

export const NO_CHAOS: PspChaos = { duplicate: 0, reorder: false, delay_ms: 0, drop: 0, fail_refunds: 0, fee_rate: 0.02, fee_tax_rate: 0.18 };

/** What the PSP keeps of a capture: { fee (tax included), tax } in minor units, as Razorpay states them. */
export function pspFee(amount: number, c: Pick<PspChaos, 'fee_rate' | 'fee_tax_rate'>): { fee: number; tax: number } {
  const base = Math.round(amount * c.fee_rate);
  const tax = Math.round(base * c.fee_tax_rate);
  return { fee: base + tax, tax };
}

export function chaosOf(a: Pick<PspAccount, 'chaos'>): PspChaos {
  return { ...NO_CHAOS, ...(a.chaos ?? {}) };
}

/** The PSP's own error codes (its wire format, not chatcart's closed list). */
export type PspErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'duplicate_reference'
  | 'idempotency_mismatch'
  | 'invalid_state'
  | 'amount_exceeds_refundable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error';

export const PSP_ERROR_STATUS: Record<PspErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  duplicate_reference: 400,
  idempotency_mismatch: 400,
  invalid_state: 400,
  amount_exceeds_refundable: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
};

export interface PspError {
  code: PspErrorCode;
  message: string;
}

export type PspResult<T> = Result<T, PspError>;
export const pspOk = <T>(value: T): PspResult<T> => ({ ok: true, value });
export const pspErr = <T = never>(code: PspErrorCode, message: string): PspResult<T> => ({ ok: false, error: { code, message } });

// The PSP mints its own ids (prefixes chatcart does not use), sortable like ours.
const nextUlid = monotonicFactory();
export type PspIdPrefix = 'acct' | 'scs' | 'spay' | 'srf' | 'sdp' | 'sev' | 'sdl';
export const pspId = (prefix: PspIdPrefix): string => `${prefix}_${nextUlid().toLowerCase()}`;

/** Checkout expiry bounds (Razorpay's are 15 min .. 6 months; shorter here for demos). */
export const MIN_EXPIRY_SECONDS = 60;
export const MAX_EXPIRY_SECONDS = 180 * 24 * 3600;
/** A refund settles this long after it was requested. */
export const REFUND_SETTLE_MS = 2_000;
/** Like Razorpay, a webhook is retried for 24 h from the event's creation, then given up. */
export const DELIVERY_GIVE_UP_MS = 24 * 3600_000;
export const DELIVERY_TIMEOUT_MS = 10_000;

export const JOB_DELIVER = 'sandbox_psp.deliver';
export const JOB_EXPIRE = 'sandbox_psp.expire';
export const JOB_SETTLE_REFUND = 'sandbox_psp.settle_refund';

export const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** Where the PSP's API lives, for adapters and tests in the same process. */
export function sandboxPspBaseUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/sandbox/psp/v1`;
}

export function sandboxPspPayUrl(publicUrl: string, checkoutId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/sandbox/psp/pay/${checkoutId}`;
}

/** Where an account's webhooks go: its override, else chatcart's own receiver (computed at delivery). */
export function webhookTarget(publicUrl: string, a: Pick<PspAccount, 'merchant_id' | 'webhook_url'>): string {
  return a.webhook_url ?? `${publicUrl.replace(/\/+$/, '')}/webhooks/providers/sandbox/${a.merchant_id}`;
}
