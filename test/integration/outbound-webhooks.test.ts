// The sender on its own, against a receiver on 127.0.0.1: what it records for each
// kind of answer, and that a refused target never gets a connection.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { excerptOf, parseRetryAfter, postWebhook, USER_AGENT } from '../../src/adapters/outbound-webhooks/sender.ts';
import { networkPolicyFor } from '../../src/adapters/outbound-webhooks/ssrf.ts';

let server: http.Server;
let base: string;
let connections = 0;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      if (req.url === '/big') return res.end('é'.repeat(5000)); // 2 bytes each: the cut must not split one
      if (req.url === '/hang') return;
      if (req.url === '/redirect') return res.writeHead(307, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(202, { 'retry-after': '7' }).end('accepted');
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const sandbox = networkPolicyFor('sandbox', false);
const live = networkPolicyFor('live', false);
const send = (url: string, o: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({ url, body: '{"a":1}', headers: { 'webhook-id': 'evt_1' }, timeoutMs: 10_000, policy: sandbox, ...o });

describe('postWebhook', () => {
  it('posts JSON with our headers and records status, latency, excerpt and Retry-After', async () => {
    const r = await send(`${base}/ok`);
    expect(r).toMatchObject({ statusCode: 202, excerpt: 'accepted', error: null, retryAfterMs: 7000, refused: false });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toMatchObject({ 'content-type': 'application/json', 'content-length': '7', 'user-agent': USER_AGENT, 'webhook-id': 'evt_1' });
  });

  it('keeps at most 1 KB of the answer, cut on a character boundary', async () => {
    const r = await send(`${base}/big`);
    expect(Buffer.byteLength(r.excerpt!)).toBe(1024);
    expect(r.excerpt).toBe('é'.repeat(512));
    expect(excerptOf(Buffer.from('aé'), 2)).toBe('a');
  });

  it('times out', async () => {
    const r = await send(`${base}/hang`, { timeoutMs: 200 });
    expect(r).toMatchObject({ statusCode: null, error: 'timed out after 200 ms', refused: false });
    expect(r.latencyMs).toBeGreaterThanOrEqual(195);
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    const r = await send(`${base}/redirect`);
    expect(r.statusCode).toBe(307);
    expect(seen.length).toBe(before + 1);
  });

  it('refuses without connecting: a refused literal, a name resolving to one, a non-http URL', async () => {
    const before = connections;
    const port = new URL(base).port;
    expect(await send(`${base}/ok`, { policy: live })).toMatchObject({
      refused: true,
      statusCode: null,
      error: 'refused: the URL names a refused address 127.0.0.1 (loopback)',
    });
    expect(await send(`http://[::ffff:7f00:1]:${port}/`, { policy: live })).toMatchObject({ refused: true });
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    expect(await send(`http://crm.example.test:${port}/`, { policy: live, resolve })).toMatchObject({
      refused: true,
      error: 'refused: crm.example.test resolves to a refused address 127.0.0.1 (loopback)',
    });
    expect(await send('file:///etc/passwd')).toMatchObject({ refused: true });
    expect(connections).toBe(before);
    // The same name is allowed where loopback is (sandbox), and then it connects.
    expect(await send(`http://crm.example.test:${port}/ok`, { resolve })).toMatchObject({ statusCode: 202 });
  });

  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });
});
