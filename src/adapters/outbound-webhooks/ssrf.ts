// SSRF guard for every server-side request to a merchant-given URL. A URL is checked
// twice: at registration (scheme, and an address named literally) and again when
// connecting, on every address the name resolves to, inside the socket's own `lookup`
// so the address we check is the address we connect to (DNS rebinding cannot swap it
// in between). IP literals never reach `lookup` (Node connects to them directly), so
// the sender checks the literal itself before opening anything.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { err, ok, type Result } from '../../domain/result.ts';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved' | 'invalid';

export interface NetworkPolicy {
  /** Sandbox mode: tests and demos post to receivers on 127.0.0.1. */
  allowLoopback: boolean;
  /** WEBHOOK_ALLOW_PRIVATE=true: an operator whose CRM lives on the internal network. */
  allowPrivate: boolean;
}

/**
 * Cloud metadata services. Refused even when private addresses are allowed: nothing a
 * merchant legitimately runs lives there, and they hand out the host's credentials.
 */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);

export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // Canonical decimal only: WHATWG URL has already turned 0x7f.1 or 2130706433 into
    // dotted decimal, and resolvers return canonical forms.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

export function parseIPv6(input: string): number[] | null {
  let s = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  let tail: number[] = [];
  if (s.includes('.')) {
    // An embedded dotted quad (::ffff:127.0.0.1) fills the last 32 bits.
    const i = s.lastIndexOf(':');
    const v4 = i < 0 ? null : parseIPv4(s.slice(i + 1));
    if (!v4) return null;
    tail = v4;
    s = s.slice(0, i + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const parts = s.split('::');
  if (parts.length > 2) return null;
  const hs = parts[0] ? parts[0].split(':') : [];
  const rs = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const needed = (16 - tail.length) / 2;
  if (parts.length === 1 && hs.length !== needed) return null;
  if (parts.length === 2 && hs.length + rs.length > needed - 1) return null;
  const groups = [...hs, ...Array<string>(needed - hs.length - rs.length).fill('0'), ...rs];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  return [...bytes, ...tail];
}

function classifyV4(x: number[]): AddressClass {
  const [a, b, c, d] = x as [number, number, number, number];
  if (METADATA.has(`${a}.${b}.${c}.${d}`)) return 'metadata';
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT (shared address space)
  if (a === 169 && b === 254) return 'link_local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved'; // includes 255.255.255.255
  if (
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) ||
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113)
  )
    return 'reserved';
  return 'public';
}

function classifyV6(x: number[]): AddressClass {
  const zeros = (from: number, to: number) => x.slice(from, to).every((v) => v === 0);
  const v4 = (at: number) => classifyV4(x.slice(at, at + 4));
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && x[15] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and IPv4-compatible
  // (::a.b.c.d): the kernel may reach the embedded IPv4 address, so it decides.
  if (zeros(0, 10) && x[10] === 0xff && x[11] === 0xff) return v4(12);
  if (zeros(0, 8) && x[8] === 0xff && x[9] === 0xff && zeros(10, 12)) return v4(12);
  if (zeros(0, 12)) return v4(12);
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address a gateway will reach.
  if (x[0] === 0x00 && x[1] === 0x64 && x[2] === 0xff && x[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (x[0] === 0x00 && x[1] === 0x64 && x[2] === 0xff && x[3] === 0x9b && x[4] === 0x00 && x[5] === 0x01) return 'private'; // local-use NAT64
  if (x[0] === 0x20 && x[1] === 0x02) return v4(2);
  const hex = x.map((v) => v.toString(16).padStart(2, '0')).join('');
  if (hex === 'fd000ec2000000000000000000000254') return 'metadata';
  const first = x[0]!;
  const second = x[1]!;
  if ((first & 0xfe) === 0xfc) return 'private'; // fc00::/7 unique local
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'link_local'; // fe80::/10
  if (first === 0xfe && (second & 0xc0) === 0xc0) return 'private'; // fec0::/10 site-local (deprecated)
  if (first === 0xff) return 'multicast';
  if (hex.startsWith('20010db8') || hex.startsWith('0100000000000000') || hex.startsWith('20010000')) return 'reserved'; // documentation, discard, Teredo
  return 'public';
}

/** What kind of address an IP literal is (IPv4 dotted decimal or IPv6, brackets allowed). */
export function classifyAddress(ip: string): AddressClass {
  const v4 = parseIPv4(ip);
  if (v4) return classifyV4(v4);
  const v6 = ip.includes(':') ? parseIPv6(ip) : null;
  return v6 ? classifyV6(v6) : 'invalid';
}

export function addressAllowed(cls: AddressClass, policy: NetworkPolicy): boolean {
  if (cls === 'public') return true;
  if (cls === 'loopback') return policy.allowLoopback || policy.allowPrivate;
  if (cls === 'private' || cls === 'link_local') return policy.allowPrivate;
  return false;
}

/** Live mode refuses loopback and private targets; sandbox allows loopback only; the operator can allow private networks. */
export function networkPolicyFor(mode: 'sandbox' | 'live', allowPrivate: boolean): NetworkPolicy {
  return { allowLoopback: mode === 'sandbox', allowPrivate };
}

/** The host of a parsed URL as an IP literal, or null for a name. WHATWG URL has normalized numeric forms. */
export function literalAddress(url: URL): string | null {
  const h = url.hostname;
  if (h.startsWith('[')) return h.slice(1, -1);
  return parseIPv4(h) ? h : null;
}

/** The URL, or why it is refused (words that follow "the URL"). */
export type UrlCheck = Result<URL, string>;

/** The registration check: an absolute http(s) URL that does not name a refused address. */
export function checkTargetUrl(raw: string, policy: NetworkPolicy): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return err(`must use http or https, not ${url.protocol.replace(':', '')}`);
  if (!url.hostname) return err('must name a host');
  const literal = literalAddress(url);
  if (literal) {
    const cls = classifyAddress(literal);
    if (!addressAllowed(cls, policy)) return err(`names a refused address ${literal} (${cls.replace('_', '-')})`);
  }
  return ok(url);
}

export class RefusedAddressError extends Error {
  readonly code = 'ERR_SSRF_REFUSED';
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Resolves and checks every address before any is used; the socket connects only to a checked one. */
export async function resolveChecked(
  hostname: string,
  policy: NetworkPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: number }[]> {
  const addrs = await resolve(hostname);
  if (addrs.length === 0) throw new Error(`${hostname} has no address`);
  for (const a of addrs) {
    const cls = classifyAddress(a.address);
    if (!addressAllowed(cls, policy)) throw new RefusedAddressError(`${hostname} resolves to a refused address ${a.address} (${cls.replace('_', '-')})`);
  }
  return addrs;
}

/** A `lookup` for http.request / net.connect that refuses names resolving to refused addresses. */
export function guardedLookup(policy: NetworkPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveChecked(hostname, policy, resolve).then(
      (addrs) => {
        const wanted = options.family === 4 || options.family === 6 ? addrs.filter((a) => a.family === options.family) : addrs;
        const first = wanted[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return callback(null, wanted);
        return callback(null, first.address, first.family);
      },
      (e: NodeJS.ErrnoException) => callback(e, '', 0),
    );
  };
}
