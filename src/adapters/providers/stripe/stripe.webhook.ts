// Stripe webhook verification with the SDK's own check (`t=…,v1=…` HMAC over
// `${t}.${rawBody}`, 300 s tolerance), against each of the merchant's secrets in
// turn so a rotation keeps deliveries signed with the previous secret valid.
import Stripe from 'stripe';
import type { WebhookCheck } from '../../../platform/payment-provider.port.ts';
import { normalizeStripeEvent, type StripeObject } from './stripe.mapping.ts';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_TOLERANCE_S = 300;

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The header parses as the SDK parses it (no trimming): a numeric `t` and at least one hex `v1`. */
export function signatureHeaderWellFormed(value: string | undefined): value is string {
  if (!value) return false;
  const pairs = value.split(',').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
  });
  const t = pairs.find(([k]) => k === 't')?.[1];
  return !!t && /^\d{1,12}$/.test(t) && pairs.some(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/i.test(v ?? ''));
}

export function verifyStripeWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, secrets: string[], now: Date): WebhookCheck {
  const sig = header(headers, STRIPE_SIGNATURE_HEADER);
  if (!signatureHeaderWellFormed(sig)) return { ok: false, error: { kind: 'malformed', reason: 'missing or malformed Stripe-Signature header' } };
  if (rawBody.length === 0) return { ok: false, error: { kind: 'malformed', reason: 'empty body' } };
  let stale = false;
  for (const secret of secrets) {
    let event: StripeObject;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, sig, secret, STRIPE_TOLERANCE_S, undefined, now.getTime()) as unknown as StripeObject;
    } catch (e) {
      if (e instanceof Stripe.errors.StripeSignatureVerificationError) {
        if (/tolerance/i.test(e.message)) stale = true;
        continue;
      }
      // The signature matched but the bytes are not JSON.
      return { ok: false, error: { kind: 'malformed', reason: 'body is not JSON' } };
    }
    const data = event['data'] as StripeObject | undefined;
    if (typeof event['id'] !== 'string' || typeof event['type'] !== 'string' || !data || typeof data['object'] !== 'object' || data['object'] === null) {
      return { ok: false, error: { kind: 'malformed', reason: 'not a Stripe event (id, type and data.object are required)' } };
    }
    return {
      ok: true,
      value: normalizeStripeEvent({ id: event['id'], type: event['type'], created: event['created'], data: { object: data['object'] as StripeObject } }, now),
    };
  }
  return { ok: false, error: { kind: 'unauthorized', reason: stale ? 'signature timestamp outside the tolerance' : 'signature does not match' } };
}
