// One POST of a signed webhook to a merchant's URL, through the SSRF guard: the
// literal address is checked here, every resolved address inside the socket's lookup.
// Redirects are never followed (a 3xx is just a failed attempt), each attempt opens
// its own connection (no pooled socket skips the check), and the whole exchange has
// one deadline. Never throws: every outcome is a value the caller records.
import http from 'node:http';
import https from 'node:https';
import { addressAllowed, checkTargetUrl, classifyAddress, guardedLookup, literalAddress, type NetworkPolicy, type Resolver } from './ssrf.ts';

export interface SendInput {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: NetworkPolicy;
  /** Injected in tests so no name is ever resolved by the real DNS. */
  resolve?: Resolver | undefined;
  excerptBytes?: number;
  now?: () => number;
}

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  /** The receiver's Retry-After, in ms, when it sent one. */
  retryAfterMs: number | null;
  /** True when the SSRF guard refused the target: no connection was opened. */
  refused: boolean;
}

export const USER_AGENT = 'chatcart-webhooks/1';

/** At most `max` bytes of UTF-8, cut on a character boundary. */
export function excerptOf(buf: Buffer, max: number): string {
  let s = buf.subarray(0, max).toString('utf8');
  while (Buffer.byteLength(s) > max) s = s.slice(0, -1);
  return s;
}

export function parseRetryAfter(v: string | undefined, nowMs: number): number | null {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function postWebhook(i: SendInput): Promise<SendResult> {
  const now = i.now ?? Date.now;
  const started = now();
  const max = i.excerptBytes ?? 1024;
  const refuse = (reason: string): SendResult => ({
    statusCode: null,
    latencyMs: 0,
    excerpt: null,
    error: `refused: ${reason}`,
    retryAfterMs: null,
    refused: true,
  });
  const check = checkTargetUrl(i.url, i.policy);
  if (!check.ok) return Promise.resolve(refuse(`the URL ${check.error}`));
  const url = check.value;
  const literal = literalAddress(url);
  if (literal && !addressAllowed(classifyAddress(literal), i.policy)) return Promise.resolve(refuse(`${literal} is a refused address`));

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, 'latencyMs' | 'refused'> & { refused?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, refused: r.refused ?? false, latencyMs: Math.max(0, Math.round(now() - started)) });
    };
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'POST',
      agent: false,
      lookup: guardedLookup(i.policy, i.resolve),
      headers: { ...i.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(i.body)), 'user-agent': USER_AGENT },
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${i.timeoutMs} ms`), { code: 'ETIMEDOUT' })), i.timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const statusCode = res.statusCode ?? null;
        const retryAfter = res.headers['retry-after'];
        finish({
          statusCode,
          excerpt: excerptOf(Buffer.concat(chunks), max),
          error: null,
          retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now()),
        });
        res.destroy();
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // Only the excerpt is kept: stop reading a large answer once we have it.
        if (size >= max) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      const refused = e.code === 'ERR_SSRF_REFUSED';
      finish({
        statusCode: null,
        excerpt: null,
        error: refused ? `refused: ${e.message}` : e.message || e.code || 'request failed',
        retryAfterMs: null,
        refused,
      });
    });
    req.end(i.body);
  });
}
