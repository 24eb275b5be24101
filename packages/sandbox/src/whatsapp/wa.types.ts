// Shapes of the WhatsApp Cloud API double: its stored rows, the chaos knobs, its ids
// (wamids like Meta's) and the timing of the status sequence. It plays Meta, so its
// wire names are Meta's, not chatcart's.
import crypto from 'node:crypto';
import { monotonicFactory } from 'ulidx';

export type WaMessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface WaSettings {
  phone_number_id: string;
  webhook_url: string | null;
  chaos: Partial<WaChaos>;
  /** Template statuses a test set ("name:language" → status and reason); others are APPROVED. */
  template_statuses: Record<string, { status: string; reason: string | null }>;
  updated_at: Date;
}

export interface WaCustomer {
  phone_number_id: string;
  /** The person's address in the sandbox: their phone (digits), or their BSUID for a username user who shares no phone. */
  wa_id: string;
  bsuid: string | null;
  username: string | null;
  name: string | null;
  last_inbound_at: Date | null;
  pair_tokens: number | null;
  pair_refilled_at: Date | null;
  created_at: Date;
}

export interface WaMessage {
  wamid: string;
  seq: number;
  phone_number_id: string;
  wa_id: string;
  /** The business's view: outbound = sent through the Graph API. */
  direction: 'outbound' | 'inbound';
  type: string;
  /** Outbound: the request body. Inbound: Meta's message object. */
  body: Record<string, any>;
  status: WaMessageStatus;
  error: WaStatusError | null;
  reference_id: string | null;
  pricing: WaPricing | null;
  created_at: Date;
  updated_at: Date;
}

export interface WaPricing {
  billable: boolean;
  pricing_model: 'PMP';
  category: string;
  type: string;
}

/** An error as status webhooks carry it (statuses[].errors[]). */
export interface WaStatusError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

export type OrderStatus = 'pending' | 'processing' | 'partially-shipped' | 'shipped' | 'completed' | 'canceled';

export interface WaOrder {
  phone_number_id: string;
  reference_id: string;
  wamid: string;
  wa_id: string;
  payment_mode: 'payment_gateway' | 'upi' | 'other';
  gateway: string | null;
  configuration_name: string | null;
  gateway_extras: Record<string, unknown>;
  currency: string;
  total_value: number;
  total_offset: number;
  status: OrderStatus;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface WaTransaction {
  id: string;
  seq: number;
  phone_number_id: string;
  reference_id: string;
  pg_transaction_id: string;
  gateway: string;
  method: string;
  status: 'pending' | 'success' | 'failed';
  amount_value: number;
  amount_offset: number;
  currency: string;
  error: { code: string; reason: string } | null;
  created_at: Date;
  updated_at: Date;
}

export interface WaRefund {
  id: string;
  seq: number;
  transaction_id: string;
  amount_value: number;
  amount_offset: number;
  currency: string;
  speed_requested: string;
  speed_processed: string;
  status: 'pending' | 'success' | 'failed';
  created_at: Date;
  updated_at: Date;
}

export interface WaEvent {
  id: string;
  phone_number_id: string;
  value: Record<string, unknown>;
  inbound_wamid: string | null;
  batch_key: string | null;
  /** The change's field: messages, or message_template_status_update. */
  field: string;
  created_at: Date;
}

export interface WaDelivery {
  id: string;
  phone_number_id: string;
  event_ids: string[];
  url: string | null;
  status_code: number | null;
  error: string | null;
  attempted_at: Date;
}

/**
 * Meta's bad days, per number. Probabilities are 0..1 (true = 1, false = 0).
 * PUT replaces the whole setting: what is not sent goes back to "behave".
 */
export interface WaChaos {
  /** A webhook POST is delivered a second time, identical (at-least-once). */
  duplicate: number;
  /** Deliveries get a random delay of up to 3 s, so statuses arrive out of order. */
  reorder: boolean;
  /** Changes of the same second are sent together: one POST, several entries/changes. */
  batch: number;
  /** The customer never reads the message: no `read` status. */
  drop_read: number;
  /** Delivered and read together: only `read` is sent (Meta does this). */
  skip_delivered: number;
  /** The message is undeliverable: `sent`, then `failed` with 131026. */
  undeliverable: number;
  /** A marketing template is not delivered (Meta's per-user marketing limit): `failed` with 131049. */
  marketing_limit: number;
  /** A refund settles as failed. */
  fail_refunds: number;
  /** Every delivery waits this long first. */
  delay_ms: number;
}

export const NO_CHAOS: WaChaos = {
  duplicate: 0,
  reorder: false,
  batch: 0,
  drop_read: 0,
  skip_delivered: 0,
  undeliverable: 0,
  marketing_limit: 0,
  fail_refunds: 0,
  delay_ms: 0,
};

export function chaosOf(s: Pick<WaSettings, 'chaos'> | undefined): WaChaos {
  return { ...NO_CHAOS, ...(s?.chaos ?? {}) };
}

/** Replaceable for tests that need a specific draw; chaos at 0 or 1 never needs it. */
export const chaosRandom = { next: Math.random };
export const chance = (p: number) => p > 0 && (p >= 1 || chaosRandom.next() < p);

// ---- timing of the status sequence after an accepted send (ms after the send)
export const SENT_AFTER_MS = 0;
export const DELIVERED_AFTER_MS = 1_000;
export const READ_AFTER_MS = 3_000;
export const FAILED_AFTER_MS = 500;
export const REFUND_SETTLE_MS = 2_000;
export const REORDER_JITTER_MS = 3_000;
export const BATCH_WINDOW_MS = 1_000;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Meta retries a failed webhook for up to 7 days. */
export const DELIVERY_GIVE_UP_MS = 7 * 24 * 3600_000;

// ---- pair rate limit: ~1 message per 6 s to one recipient, bursts of 10
export const PAIR_BURST = 10;
export const PAIR_REFILL_MS = 6_000;
export const WINDOW_MS = 24 * 3600_000;

export const JOB_STATUS = 'sandbox_wa.status';
export const JOB_DELIVER = 'sandbox_wa.deliver';
export const JOB_SETTLE_REFUND = 'sandbox_wa.settle_refund';

export const unixSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

const nextUlid = monotonicFactory();
export const waId = (prefix: 'swe' | 'swd'): string => `${prefix}_${nextUlid().toLowerCase()}`;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Razorpay-like ids for the gateway side: order_…, pay_…, rfnd_… (14 characters). */
export function gatewayId(prefix: 'order' | 'pay' | 'rfnd'): string {
  return `${prefix}_${Array.from(crypto.randomBytes(14), (b) => ALNUM[b % ALNUM.length]).join('')}`;
}

/**
 * A message id shaped like Meta's: `wamid.` + base64 of a small binary record holding
 * the customer's number and a random 16-hex-digit key (the real format is opaque).
 */
export function newWamid(waIdDigits: string, direction: 'outbound' | 'inbound'): string {
  const phone = Buffer.from(waIdDigits, 'ascii');
  const key = Buffer.from(crypto.randomBytes(9).toString('hex').toUpperCase(), 'ascii');
  const bytes = Buffer.concat([
    Buffer.from([0x1c, 0x18, phone.length]),
    phone,
    Buffer.from([0x15, 0x02, 0x00, direction === 'outbound' ? 0x11 : 0x12, 0x18, key.length]),
    key,
    Buffer.from([0x00]),
  ]);
  return `wamid.${bytes.toString('base64')}`;
}

/** Meta's normalisation of `to`: digits only (+, spaces, dashes, dots and brackets dropped). */
export function normalizeWaId(to: string): string | null {
  if (!/^[+\d\s().-]{1,40}$/.test(to)) return null;
  const digits = to.replace(/\D/g, '');
  return /^[1-9]\d{6,14}$/.test(digits) ? digits : null;
}

export const fbtraceId = (): string => crypto.randomBytes(20).toString('base64url').slice(0, 27);

/** Where a number's webhooks go: its override, else chatcart's own receiver (computed at delivery). */
export function webhookTarget(publicUrl: string, s: Pick<WaSettings, 'webhook_url'> | undefined): string {
  return s?.webhook_url ?? `${publicUrl.replace(/\/+$/, '')}/webhooks/whatsapp`;
}

/** A business-scoped user id (Meta's `user_id`): country code, optional ENT. (parent), up to 128 alphanumerics. */
export const BSUID_PATTERN = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** Whether a sandbox address is a BSUID (a username user without a shared phone) rather than a phone number. */
export const isBsuidAddress = (address: string): boolean => BSUID_PATTERN.test(address);

/**
 * Who an address is, as Meta's webhooks name them: every user has a BSUID (stable and scoped to
 * the business: derived from the number and the phone), and a phone only when it is shared.
 */
export function identityOf(phoneNumberId: string, address: string): { bsuid: string; phone: string | null } {
  if (isBsuidAddress(address)) return { bsuid: address, phone: null };
  const digest = crypto.createHash('sha256').update(`${phoneNumberId}:${address}`).digest('hex').toUpperCase();
  return { bsuid: `IN.${digest.slice(0, 20)}`, phone: address };
}
