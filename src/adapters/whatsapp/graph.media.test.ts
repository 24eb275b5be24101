// The Graph client's media calls against a tiny double: GET /{media_id}, then the download
// with the Bearer token, stopping at the cap; URLs off Meta's hosts (or the base's origin) refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from './graph.client.ts';

let server: http.Server;
let base: string;
let graph: GraphClient;
const auths: (string | undefined)[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    auths.push(req.headers.authorization);
    const url = req.url ?? '';
    if (url === '/v27.0/1234') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({ messaging_product: 'whatsapp', url: `${base}/dl/small`, mime_type: 'image/jpeg', sha256: 'ab', file_size: '5', id: '1234' }),
      );
    }
    if (url === '/v27.0/999') {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: 'x' } }));
    }
    if (url === '/dl/small') return res.end('hello');
    if (url === '/dl/declared-big') {
      res.writeHead(200, { 'content-length': '1000' });
      return res.end(Buffer.alloc(1000));
    }
    if (url === '/dl/chunked-big') {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(100));
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  graph = createGraphClient({ baseUrl: base, version: 'v27.0' });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Graph media', () => {
  it('reads the media info (file_size as a string) and downloads with the Bearer token', async () => {
    const info = await graph.getMediaInfo('1234', 'tok');
    expect(info).toMatchObject({ ok: true, value: { url: `${base}/dl/small`, mime_type: 'image/jpeg', file_size: 5 } });
    const dl = await graph.downloadMedia(`${base}/dl/small`, 'tok', 100);
    expect(dl.ok && dl.value.toString()).toBe('hello');
    expect(auths.at(-1)).toBe('Bearer tok');
  });

  it("answers Meta's error for an unknown media id, and refuses ids that are not ids", async () => {
    const r = await graph.getMediaInfo('999', 'tok');
    expect(r.ok === false && r.error.code).toBe(100);
    const bad = await graph.getMediaInfo('../x', 'tok');
    expect(bad.ok).toBe(false);
  });

  it('stops at the cap, by Content-Length or while reading', async () => {
    expect(await graph.downloadMedia(`${base}/dl/declared-big`, 'tok', 500)).toEqual({ ok: false, error: 'too_large' });
    expect(await graph.downloadMedia(`${base}/dl/chunked-big`, 'tok', 500)).toEqual({ ok: false, error: 'too_large' });
    const ok = await graph.downloadMedia(`${base}/dl/chunked-big`, 'tok', 1000);
    expect(ok.ok && ok.value.length).toBe(1000);
  });

  it('never sends the token off Meta’s media hosts (or the base URL’s origin)', async () => {
    const n = auths.length;
    for (const url of [
      'http://169.254.169.254/latest',
      'https://evil.example/x',
      'file:///etc/passwd',
      `${base.replace('127.0.0.1', 'user:pw@127.0.0.1')}/dl/small`,
      'not a url',
    ]) {
      const r = await graph.downloadMedia(url, 'tok', 100);
      expect(r.ok, url).toBe(false);
    }
    expect(auths.length).toBe(n);
    const live = createGraphClient({ version: 'v27.0', fetch: async () => new Response('x') });
    expect((await live.downloadMedia('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', 'tok', 10)).ok).toBe(true);
    expect((await live.downloadMedia('http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', 'tok', 10)).ok).toBe(false);
    expect((await live.downloadMedia('https://fbsbx.com.evil.example/x', 'tok', 10)).ok).toBe(false);
  });
});
