// Standard Webhooks v1 signing (HMAC-SHA256). The key is the base64-decoded secret
// after `whsec_`; the signed content is `${id}.${timestamp}.${body}`; several secrets
// give several space-separated `v1,` signatures, which is how rotation avoids downtime.
import crypto from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** 24 random bytes: the lower end of the spec's 24–64, and what Svix issues. */
export const SECRET_BYTES = 24;

export function newWebhookSecret(randomBytes: (n: number) => Buffer = crypto.randomBytes): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('empty webhook secret');
  return key;
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${crypto.createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers for one attempt (timestamp: unix seconds of this attempt). */
export function webhookHeaders(o: { id: string; timestamp: number; body: string; secrets: readonly string[] }): Record<string, string> {
  if (o.id.includes('.') || o.secrets.length === 0) throw new Error('a webhook needs an id without dots and at least one secret');
  return {
    'webhook-id': o.id,
    'webhook-timestamp': String(o.timestamp),
    'webhook-signature': o.secrets.map((s) => sign(s, o.id, o.timestamp, o.body)).join(' '),
  };
}
