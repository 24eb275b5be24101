// How the sandbox PSP signs its webhooks, Stripe-style: `X-Sandbox-Signature:
// t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret, "<t>.<raw body>")>`, one v1= entry per
// secret while a secret rotates. The product's sandbox adapter verifies it with its own code
// (src/adapters/providers/sandbox/sandbox.signature.ts), as a real PSP's SDK would.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const EVENT_ID_HEADER = 'x-sandbox-event-id';

/**
 * The X-Sandbox-Signature header value for `rawBody` at time `t` (unix seconds). Pass
 * several secrets to sign with each (one v1= entry per secret), as during a rotation.
 */
export function signSandboxPayload(secret: string | readonly string[], rawBody: string | Buffer, t: number): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const v1 = (s: string) => crypto.createHmac('sha256', s).update(`${t}.`).update(rawBody).digest('hex');
  return [`t=${t}`, ...secrets.map((s) => `v1=${v1(s)}`)].join(',');
}
