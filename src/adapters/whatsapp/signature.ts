// X-Hub-Signature-256: `sha256=<hex HMAC-SHA256(app secret, body)>` (whatsapp.md §2).
// Verified over the raw bytes received, before any parsing, with a constant-time compare.
//
// Non-ASCII: Meta documents that it signs an "escaped unicode" rendering of the payload
// (every non-ASCII UTF-16 unit as lowercase \uXXXX), which whatsapp-api-js reproduces with
// its escapeUnicode(). When a body carries raw UTF-8 and the raw-byte HMAC does not match,
// we also try that rendering. Our sandbox sends bodies already escaped, so both agree.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const HEADER_SHAPE = /^sha256=([0-9a-fA-F]{64})$/;

function hmac(appSecret: string, data: string | Buffer): Buffer {
  return crypto.createHmac('sha256', appSecret).update(data).digest();
}

/** `sha256=<lowercase hex>` for the exact bytes given (strings are hashed as UTF-8). */
export function signWebhook(appSecret: string, rawBody: string | Buffer): string {
  if (typeof appSecret !== 'string' || appSecret.length === 0) throw new TypeError('app secret is required');
  return `sha256=${hmac(appSecret, rawBody).toString('hex')}`;
}

/** Escapes every non-ASCII UTF-16 code unit as lowercase `\uXXXX` (astral characters become surrogate pairs). */
export function escapeUnicode(s: string): string {
  return s.replace(/[^\0-~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function hasNonAscii(buf: Buffer): boolean {
  for (const b of buf) if (b > 0x7e) return true;
  return false;
}

/** True only for a well-formed header whose HMAC matches; missing or malformed headers are false. */
export function verifyWebhookSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!Buffer.isBuffer(rawBody) || typeof appSecret !== 'string' || appSecret.length === 0) return false;
  if (typeof header !== 'string') return false;
  const m = HEADER_SHAPE.exec(header.trim());
  if (m === null) return false;
  const given = Buffer.from(m[1] ?? '', 'hex');
  let matched = crypto.timingSafeEqual(hmac(appSecret, rawBody), given);
  if (hasNonAscii(rawBody)) {
    // Always computed for such bodies, so the time taken does not depend on the first result.
    const escaped = hmac(appSecret, escapeUnicode(rawBody.toString('utf8')));
    matched = crypto.timingSafeEqual(escaped, given) || matched;
  }
  return matched;
}
