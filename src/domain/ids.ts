// Identifiers. Entity ids are `${prefix}_${ulid}`: the prefix makes a pasted id
// self-describing in logs and support tickets, and the ULID sorts by creation time so
// keyset pagination on the primary key is chronological.
import { randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

export const ID_PREFIXES = [
  'mer',
  'key',
  'prd',
  'ord',
  'pay',
  'rfd',
  'rmd',
  'evt',
  'msg',
  'whe',
  'job',
  'req',
  'dsp',
  'pev',
  'ppy',
  'flw',
  'bkg',
  'win',
  'whd',
  'wha',
  'svc',
  'ltx',
  'rec',
  'usr',
  'ses',
  'lnk',
  'aud',
  'cus',
  'cic',
  'cnv',
  'nte',
  'upl',
  'csy',
  'chl',
  'qrp',
  'arp',
  'stc',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

export type RandomBytes = (size: number) => Uint8Array;

// ulidx's own source draws each of a ULID's 16 random characters with a call of its own to
// crypto.getRandomValues (a few percent of the CPU of creating an order). The same bytes, read
// from a buffer the CSPRNG refills, mapped to a character exactly as ulidx maps its own.
const RANDOM_POOL = new Uint8Array(4096);
let poolAt = RANDOM_POOL.length;
function pooledRandom(): number {
  if (poolAt === RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolAt = 0;
  }
  return RANDOM_POOL[poolAt++]! / 0xff;
}

// Monotonic so ids minted within the same millisecond still sort in creation order.
const nextUlid = monotonicFactory(pooledRandom);

// Lowercase Crockford base32 (no i, l, o, u). Lowercasing keeps the sort order because
// digits sort before letters in both cases. A 48-bit timestamp tops out at '7'.
const ULID_BODY = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;
const PREFIX_SET: ReadonlySet<string> = new Set(ID_PREFIXES);

export function newId(prefix: IdPrefix): string {
  if (!PREFIX_SET.has(prefix)) throw new TypeError(`unknown id prefix: ${String(prefix)}`);
  return `${prefix}_${nextUlid().toLowerCase()}`;
}

export function isId(prefix: IdPrefix, s: unknown): boolean {
  return typeof s === 'string' && s.length === prefix.length + 27 && s.startsWith(`${prefix}_`) && ULID_BODY.test(s.slice(prefix.length + 1));
}

// WhatsApp's order_details reference_id rule; ids we send must satisfy it.
export const REFERENCE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,35}$/;

export function isValidReferenceId(s: unknown): boolean {
  return typeof s === 'string' && REFERENCE_ID_PATTERN.test(s);
}

// Crockford base32 uppercase: no I, L, O or U, so a buyer reading the reference aloud or
// retyping it cannot confuse 0/O or 1/I/L. 32 symbols means `byte & 31` is unbiased.
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const REFERENCE_PREFIX = 'CC-';
const REFERENCE_RANDOM_CHARS = 13; // 65 bits: collisions are negligible per merchant.

function take(randomBytes: RandomBytes, size: number): Uint8Array {
  const bytes = randomBytes(size);
  if (bytes.length < size) throw new RangeError(`random source returned ${bytes.length} of ${size} bytes`);
  return bytes;
}

// Human-facing order reference, e.g. CC-8F3K2M9Q4T7W1X. Random rather than derived from
// the order id so it leaks neither creation time nor order volume to buyers.
export function newReferenceId(randomBytes: RandomBytes = nodeRandomBytes): string {
  const bytes = take(randomBytes, REFERENCE_RANDOM_CHARS);
  let out = REFERENCE_PREFIX;
  for (let i = 0; i < REFERENCE_RANDOM_CHARS; i++) {
    out += REFERENCE_ALPHABET[(bytes[i] ?? 0) & 31];
  }
  return out;
}

// Bearer secrets (pay-page tokens, API keys). Below 128 bits guessing becomes
// plausible, so smaller sizes are treated as a programming error.
export const MIN_SECRET_BYTES = 16;

export function newSecretToken(bytes = 32, randomBytes: RandomBytes = nodeRandomBytes): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES) {
    throw new RangeError(`secret tokens need at least ${MIN_SECRET_BYTES} bytes`);
  }
  const raw = take(randomBytes, bytes);
  return Buffer.from(raw.subarray(0, bytes)).toString('base64url');
}
