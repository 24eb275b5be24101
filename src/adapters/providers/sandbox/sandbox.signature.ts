// The sandbox PSP's webhook signature, Stripe-style: `X-Sandbox-Signature:
// t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>`. Several v1=
// entries may appear (one per secret while a secret rotates). The timestamp is signed,
// so a captured request cannot be replayed after the tolerance. This is the receiving side;
// the double signs with its own code (packages/sandbox/src/psp/psp.signature.ts), and the
// tests hold the two to each other.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const EVENT_ID_HEADER = 'x-sandbox-event-id';
export const DEFAULT_TOLERANCE_SEC = 300;

export type SignatureCheck = 'ok' | 'malformed' | 'mismatch' | 'stale';

function hmacHex(secret: string, rawBody: string | Buffer, t: number): string {
  return crypto.createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

/**
 * Checks the header over the exact bytes received. 'malformed': no t= or no v1=;
 * 'mismatch': no v1= matches any secret; 'stale': authentic but older (or newer) than
 * the tolerance. Comparisons are constant-time.
 */
export function verifySandboxSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secrets: readonly string[],
  now: Date,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): SignatureCheck {
  if (typeof header !== 'string' || header.length === 0 || header.length > 4096) return 'malformed';
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) return 'malformed';
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return 'malformed';
      t = Number(value);
    } else if (key === 'v1') {
      // A v1 that is not 64 hex digits can never match: skip it, like unknown schemes.
      if (/^[0-9a-fA-F]{64}$/.test(value)) candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === undefined || candidates.length === 0) return 'malformed';
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, rawBody, t), 'hex');
    // Check every pair, without stopping early, so timing says nothing about which matched.
    for (const c of candidates) if (crypto.timingSafeEqual(expected, c)) matched = true;
  }
  if (!matched) return 'mismatch';
  return Math.abs(now.getTime() / 1000 - t) > toleranceSec ? 'stale' : 'ok';
}
