// Does a URL answer an image? One GET through the same SSRF guard as outgoing webhooks
// (the literal address checked here, every resolved address inside the socket's lookup,
// no pooled socket), following at most a few redirects, each checked again. Only the
// first bytes are read: the content type and the file's signature decide. Never throws.
import http from 'node:http';
import https from 'node:https';
import { addressAllowed, checkTargetUrl, classifyAddress, guardedLookup, literalAddress, type NetworkPolicy, type Resolver } from './ssrf.ts';

export type ImageProbe = { status: 'ok'; contentType: string } | { status: 'unreachable' | 'not_an_image'; reason: string };

export interface ProbeInput {
  url: string;
  policy: NetworkPolicy;
  timeoutMs?: number;
  resolve?: Resolver | undefined;
  maxRedirects?: number;
}

export const PROBE_USER_AGENT = 'chatcart-image-check/1';

/** The formats WhatsApp catalogs and browsers show, by their first bytes. */
export function sniffImage(b: Buffer): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 6 && ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

const SNIFF_BYTES = 32;

function once(url: string, i: ProbeInput): Promise<ImageProbe | { redirect: string }> {
  const check = checkTargetUrl(url, i.policy);
  if (!check.ok) return Promise.resolve({ status: 'unreachable', reason: `refused: the URL ${check.error}` });
  const target = check.value;
  const literal = literalAddress(target);
  if (literal && !addressAllowed(classifyAddress(literal), i.policy)) {
    return Promise.resolve({ status: 'unreachable', reason: `refused: ${literal} is a refused address` });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: ImageProbe | { redirect: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const mod = target.protocol === 'https:' ? https : http;
    const req = mod.request(target, {
      method: 'GET',
      agent: false,
      lookup: guardedLookup(i.policy, i.resolve),
      headers: { 'user-agent': PROBE_USER_AGENT, accept: 'image/*' },
    });
    const timeoutMs = i.timeoutMs ?? 10_000;
    const timer = setTimeout(() => finish({ status: 'unreachable', reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      const location = res.headers.location;
      if (code >= 300 && code < 400 && location) return finish({ redirect: new URL(location, target).href });
      if (code < 200 || code >= 300) return finish({ status: 'unreachable', reason: `the server answered HTTP ${code}` });
      const declared = String(res.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      const chunks: Buffer[] = [];
      let size = 0;
      const decide = () => {
        const sniffed = sniffImage(Buffer.concat(chunks));
        if (sniffed) return finish({ status: 'ok', contentType: sniffed });
        if (declared === 'image/svg+xml') return finish({ status: 'not_an_image', reason: 'SVG images are not shown by WhatsApp catalogs (use JPEG or PNG)' });
        finish({
          status: 'not_an_image',
          reason: declared.startsWith('image/')
            ? `declared ${declared}, but the content is not a JPEG, PNG, GIF or WebP image`
            : `the content is ${declared || 'of no declared type'}, not an image`,
        });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= SNIFF_BYTES) decide();
      });
      res.on('end', decide);
      res.on('error', (e) => finish({ status: 'unreachable', reason: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      finish({ status: 'unreachable', reason: e.code === 'ERR_SSRF_REFUSED' ? `refused: ${e.message}` : e.message || e.code || 'request failed' }),
    );
    req.end();
  });
}

export async function probeImage(i: ProbeInput): Promise<ImageProbe> {
  let url = i.url;
  const max = i.maxRedirects ?? 3;
  for (let hop = 0; hop <= max; hop++) {
    const r = await once(url, i);
    if (!('redirect' in r)) return r;
    url = r.redirect;
  }
  return { status: 'unreachable', reason: `more than ${max} redirects` };
}
