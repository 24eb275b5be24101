// The Razorpay adapter: Payment Links for checkout, signed webhooks, lookups by link
// and payment id, idempotent refunds. REST calls go through our own thin client
// (razorpay.client.ts explains why not the SDK); statuses and events map through the
// tables in razorpay.mapping.ts.
import crypto from 'node:crypto';
import type {
  CheckoutObject,
  CheckoutRequest,
  LookupResult,
  PaymentProviderAdapter,
  ProviderCredentials,
  RefundRequest,
  RefundResult,
  WebhookCheck,
} from '../../../platform/payment-provider.port.ts';
import { ProviderRejectedError } from '../../../platform/payment-provider.port.ts';
import { createRazorpayClient, RAZORPAY_API_URL, RazorpayRejectedError, type PaymentLink, type RazorpayErrorBody } from './razorpay.client.ts';
import {
  feeOf,
  NOTE_REFUND_ID,
  normalizeRazorpayEvent,
  paymentLinkBody,
  RAZORPAY_LINK_STATUSES,
  RAZORPAY_PAYMENT_STATUSES,
  RAZORPAY_REFUND_STATUSES,
} from './razorpay.mapping.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyRazorpaySignature } from './razorpay.signature.ts';

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Razorpay's answer to a second link with the same reference_id (its wording varies, its field does not). */
export function isDuplicateReference(e: RazorpayErrorBody): boolean {
  const d = e.description ?? '';
  return e.field === 'reference_id' || (/reference[_ ]?id/i.test(d) && /(already|exist|duplicate|unique|taken)/i.test(d));
}

/**
 * The inbox's dedupe key when Razorpay sent no `x-razorpay-event-id` (it always does;
 * a hand-replayed delivery may not): the same body is the same event.
 */
export const bodyEventId = (rawBody: Buffer) => `body_sha256_${crypto.createHash('sha256').update(rawBody).digest('hex').slice(0, 40)}`;

export interface RazorpayAdapterOptions {
  /** RAZORPAY_API_URL; https://api.razorpay.com when unset. */
  baseUrl?: string | undefined;
  fetch?: typeof fetch;
  /** Razorpay checks expire_by against its own clock, so the clamp uses ours (real time), not the app's test clock. */
  now?: () => Date;
}

export function createRazorpayAdapter(opts: RazorpayAdapterOptions = {}): PaymentProviderAdapter {
  const api = createRazorpayClient({ baseUrl: opts.baseUrl ?? RAZORPAY_API_URL, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const now = opts.now ?? (() => new Date());

  const objectStatus = (l: PaymentLink): LookupResult['objectStatus'] => RAZORPAY_LINK_STATUSES[l.status] ?? 'open';
  const checkoutObject = (l: PaymentLink): CheckoutObject => ({
    providerObjectId: l.id,
    url: l.short_url,
    expiresAt: new Date((l.expire_by ?? 0) * 1000),
  });

  async function lookup(creds: ProviderCredentials, providerObjectId: string): Promise<LookupResult> {
    const link = await api.fetchPaymentLink(creds, providerObjectId);
    const payments: LookupResult['payments'] = [];
    // The link lists its payments by id; the payment itself has the authoritative status and currency.
    for (const p of link.payments ?? []) {
      const pay = await api.fetchPayment(creds, p.payment_id);
      payments.push({
        providerPaymentId: pay.id,
        status: RAZORPAY_PAYMENT_STATUSES[pay.status] ?? 'pending',
        amount: pay.amount,
        currency: pay.currency.toUpperCase(),
        referenceId: link.reference_id ?? undefined,
        ...(pay.status === 'captured' || pay.status === 'refunded' ? feeOf(pay as unknown as Record<string, unknown>) : {}),
      });
    }
    return { objectStatus: objectStatus(link), payments };
  }

  return {
    name: 'razorpay',

    verifyWebhook(rawBody, headers, secrets, at): WebhookCheck {
      const sig = verifyRazorpaySignature(rawBody, header(headers, SIGNATURE_HEADER), secrets);
      if (sig === 'missing') return { ok: false, error: { kind: 'malformed', reason: 'missing X-Razorpay-Signature header' } };
      if (sig === 'malformed') return { ok: false, error: { kind: 'malformed', reason: 'malformed X-Razorpay-Signature header (expected 64 hex characters)' } };
      if (sig !== 'ok') return { ok: false, error: { kind: 'unauthorized', reason: 'X-Razorpay-Signature does not match' } };
      let envelope: unknown;
      try {
        envelope = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { ok: false, error: { kind: 'malformed', reason: 'body is not JSON' } };
      }
      const eventId = header(headers, EVENT_ID_HEADER)?.trim() || bodyEventId(rawBody);
      const ev = normalizeRazorpayEvent(envelope, eventId, at);
      if (!ev) return { ok: false, error: { kind: 'malformed', reason: 'not a Razorpay event envelope (no "event")' } };
      return { ok: true, value: [ev] };
    },

    async createCheckout(creds, req: CheckoutRequest): Promise<CheckoutObject> {
      const body = paymentLinkBody(req, now());
      try {
        return checkoutObject(await api.createPaymentLink(creds, body));
      } catch (e) {
        // Links take no Idempotency-Key: reference_id is unique per link, so a retry of a
        // create that went through is refused. The link it made is the one we want.
        if (!(e instanceof RazorpayRejectedError) || e.status !== 400 || !isDuplicateReference(e.error)) throw e;
        const [existing] = await api.findPaymentLinksByReference(creds, req.referenceId);
        if (!existing) throw e;
        if (existing.amount !== req.amount || existing.currency.toUpperCase() !== req.currency.toUpperCase()) {
          throw new ProviderRejectedError(`razorpay: link ${existing.id} already has reference_id ${req.referenceId} with another amount or currency`, 409);
        }
        return checkoutObject(existing);
      }
    },

    lookup: (creds, providerObjectId) => lookup(creds, providerObjectId),

    async refund(creds, req: RefundRequest): Promise<RefundResult> {
      // Our rfd_ id is the idempotency key; asking again with the same body returns the same refund.
      const r = await api.refundPayment(
        creds,
        req.providerPaymentId,
        { amount: req.amount, speed: 'normal', notes: { [NOTE_REFUND_ID]: req.refundId } },
        req.refundId,
      );
      return { providerRefundId: r.id, status: RAZORPAY_REFUND_STATUSES[r.status] ?? 'pending' };
    },

    async cancel(creds, providerObjectId) {
      try {
        return { objectStatus: objectStatus(await api.cancelPaymentLink(creds, providerObjectId)) };
      } catch (e) {
        // Only a link in `created` can be cancelled; a paid, expired or cancelled one says which it is.
        if (e instanceof RazorpayRejectedError && e.status === 400) return { objectStatus: (await lookup(creds, providerObjectId)).objectStatus };
        throw e;
      }
    },
  };
}
