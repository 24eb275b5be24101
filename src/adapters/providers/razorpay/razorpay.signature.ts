// Razorpay's webhook signature: `X-Razorpay-Signature` = hex HMAC-SHA256 of the raw
// request body, keyed with the webhook secret (not the API key secret). There is no
// timestamp in it, so replays are handled by the inbox's dedupe on the event id.
// We compare in constant time; the SDK's validateWebhookSignature uses `===` and is
// kept only as the test oracle.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-razorpay-signature';
export const EVENT_ID_HEADER = 'x-razorpay-event-id';

export function signRazorpayBody(rawBody: Buffer | string, secret: string): string {
  return crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'malformed' | 'mismatch';

/** Lowercase hex of 32 bytes, exactly as Razorpay sends it (the SDK compares strings, so other spellings never verify). */
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Tries every secret (the current one and any still in its rotation grace period). */
export function verifyRazorpaySignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): SignatureCheck {
  if (header === undefined || header.trim() === '') return 'missing';
  const sig = header.trim();
  if (!HEX_SHA256.test(sig)) return 'malformed';
  const given = Buffer.from(sig, 'hex');
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = crypto.createHmac('sha256', secret).update(rawBody).digest();
    if (expected.length === given.length && crypto.timingSafeEqual(expected, given)) return 'ok';
  }
  return 'mismatch';
}
