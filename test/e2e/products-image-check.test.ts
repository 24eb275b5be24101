// A product's image_url is checked once, in a job, through the SSRF guard of outgoing
// webhooks: a local HTTP server on loopback (allowed in sandbox mode) answers images,
// HTML, 404s, redirects and silence, and the product carries what the check found.
// A new URL is checked again; a refused address is never connected to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProductImage } from '../../src/modules/catalog/index.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb', 'hex');

let s: TestServer;
let img: http.Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  s = await startTestServer();
  img = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const u = req.url ?? '';
    if (u.startsWith('/tea.png')) return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (u === '/mislabeled.jpg') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(JPEG);
    if (u === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Not an image</title>');
    if (u === '/fake.png') return res.writeHead(200, { 'content-type': 'image/png' }).end('this is text pretending to be a PNG');
    if (u === '/moved') return res.writeHead(302, { location: '/tea.png?via=redirect' }).end();
    if (u === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (u === '/to-private') return res.writeHead(302, { location: 'http://10.0.0.1/tea.png' }).end();
    if (u === '/slow') return; // never answers
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((r) => img.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(img.address() as AddressInfo).port}`;
});
afterAll(async () => {
  img?.closeAllConnections();
  await new Promise((r) => img?.close(r));
  await s?.close();
});

let n = 0;
async function productWith(image_url?: string) {
  const r = await s.api('/v1/products', {
    body: { retailer_id: `chk-${++n}`, name: 'Tea', price: 1000, currency: 'INR', ...(image_url ? { image_url } : {}) },
  });
  expect(r.status).toBe(201);
  return r.body;
}
const get = async (id: string) => (await s.api(`/v1/products/${id}`)).body;

describe('product image check', () => {
  it('is pending when created, and ok once the job has fetched an image', async () => {
    const p = await productWith(`${base}/tea.png`);
    expect(p).toMatchObject({ image_status: 'pending', image_status_reason: null, image_checked_at: null, goods_type: 'digital-goods' });
    await runUntilIdle(s);
    const after = await get(p.id);
    expect(after).toMatchObject({ image_status: 'ok', image_status_reason: null });
    expect(Date.parse(after.image_checked_at)).not.toBeNaN();
  });

  it('has no status without an image', async () => {
    const p = await productWith();
    expect(p.image_status).toBeNull();
  });

  it.each([
    ['/page.html', 'not_an_image', /text\/html, not an image/],
    ['/fake.png', 'not_an_image', /declared image\/png, but the content is not/],
    ['/missing.jpg', 'unreachable', /HTTP 404/],
    ['/loop', 'unreachable', /more than 3 redirects/],
    ['/to-private', 'unreachable', /refused: the URL names a refused address 10\.0\.0\.1/],
  ])('flags %s as %s with the reason', async (path, status, reason) => {
    const p = await productWith(`${base}${path}`);
    await runUntilIdle(s);
    const after = await get(p.id);
    expect(after.image_status).toBe(status);
    expect(after.image_status_reason).toMatch(reason);
  });

  it('trusts the bytes over the declared type, and follows a redirect to an image', async () => {
    const a = await productWith(`${base}/mislabeled.jpg`);
    const b = await productWith(`${base}/moved`);
    await runUntilIdle(s);
    expect((await get(a.id)).image_status).toBe('ok');
    expect((await get(b.id)).image_status).toBe('ok');
    expect(hits).toContain('/tea.png?via=redirect');
  });

  it('gives up on a server that does not answer (unreachable, with the timeout)', async () => {
    const p = await productWith(`${base}/slow`);
    const r = await checkProductImage(s.ctx, s.merchantId, p.id, `${base}/slow`, { timeoutMs: 200 });
    expect(r).toMatchObject({ image_status: 'unreachable', image_reason: 'no answer within 200 ms' });
    // Its queued job (10 s deadline) then finds the URL replaced and fetches nothing.
    await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { image_url: `${base}/tea.png?v=slow` } });
  });

  it('checks again when the URL changes, and keeps the status when it does not', async () => {
    const p = await productWith(`${base}/page.html`);
    await runUntilIdle(s);
    expect((await get(p.id)).image_status).toBe('not_an_image');
    const same = await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { image_url: `${base}/page.html`, name: 'Green tea' } });
    expect(same.body.image_status).toBe('not_an_image');
    const changed = await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { image_url: `${base}/tea.png?v=2` } });
    expect(changed.body).toMatchObject({ image_status: 'pending', image_status_reason: null, image_checked_at: null });
    await runUntilIdle(s);
    expect((await get(p.id)).image_status).toBe('ok');
    const removed = await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { image_url: null } });
    expect(removed.body).toMatchObject({ image_url: null, image_status: null });
  });

  it('ignores a check whose URL was replaced before it ran', async () => {
    const p = await productWith(`${base}/page.html`);
    await s.api(`/v1/products/${p.id}`, { method: 'PATCH', body: { image_url: `${base}/tea.png?v=3` } });
    expect(await checkProductImage(s.ctx, s.merchantId, p.id, `${base}/page.html`)).toBeUndefined();
    await runUntilIdle(s);
    expect((await get(p.id)).image_status).toBe('ok');
  });

  it('takes and patches goods_type', async () => {
    const r = await s.api('/v1/products', { body: { retailer_id: `chk-${++n}`, name: 'Mug', price: 50000, currency: 'INR', goods_type: 'physical-goods' } });
    expect(r.body.goods_type).toBe('physical-goods');
    const u = await s.api(`/v1/products/${r.body.id}`, { method: 'PATCH', body: { goods_type: 'digital-goods' } });
    expect(u.body.goods_type).toBe('digital-goods');
    expect((await s.api('/v1/products', { body: { retailer_id: `chk-${++n}`, name: 'X', price: 1, currency: 'INR', goods_type: 'services' } })).status).toBe(
      400,
    );
  });
});
