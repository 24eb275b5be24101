// Product image URLs pass the SSRF registration check of webhook endpoints: http(s)
// only, and no refused address named literally (in any numeric spelling) → 400 at
// create and update. Nothing here opens a connection: the check is on the URL alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNo5xx, expectValidation, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

let n = 0;
const product = (image_url: unknown) => ({ retailer_id: `img-${++n}`, name: 'Tea', price: 1000, currency: 'INR', image_url });

describe('product image_url and the SSRF guard', () => {
  it('accepts public and (in sandbox mode) loopback http(s) URLs', async () => {
    for (const url of ['https://cdn.example.com/tea.jpg', 'http://127.0.0.1:8080/tea.png', 'https://93.184.215.14/tea.jpg']) {
      const r = await s.api('/v1/products', { body: product(url) });
      expect(r.status, url).toBe(201);
      expect(r.body.image_url).toBe(url);
    }
  });

  it.each([
    ['http://10.0.0.1/tea.jpg', '10.0.0.1 (private)'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 (metadata)'],
    ['http://[fd00::1]/tea.jpg', 'fd00::1 (private)'],
    ['http://0.0.0.0/tea.jpg', '0.0.0.0 (unspecified)'],
    ['http://0xa9.0xfe.0xa9.0xfe/x', '169.254.169.254 (metadata)'],
    ['http://[::ffff:10.0.0.1]/x', '::ffff:a00:1 (private)'],
  ])('refuses %s at create and update (400 naming the address)', async (url, what) => {
    const c = await s.api('/v1/products', { body: product(url) });
    expectValidation(c, 'image_url');
    expect(c.body.error.message).toBe(`image_url: names a refused address ${what}`);
    const ok = await s.api('/v1/products', { body: product('https://cdn.example.com/a.jpg') });
    const u = await s.api(`/v1/products/${ok.body.id}`, { method: 'PATCH', body: { image_url: url } });
    expectValidation(u, 'image_url');
    expect((await s.api(`/v1/products/${ok.body.id}`)).body.image_url).toBe('https://cdn.example.com/a.jpg');
  });

  it('refuses non-http(s) schemes', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.jpg', 'gopher://example.com/', 'javascript:alert(1)']) {
      expect((await s.api('/v1/products', { body: product(url) })).status, url).toBe(400);
    }
  });

  it('follows the server policy: live mode refuses loopback; the operator may allow private networks', async () => {
    s.ctx.mode = 'live';
    try {
      // Live mode takes only live keys, and not the sandbox's demo merchant's: a merchant made now has one.
      const { key } = await otherMerchant(s, 'Live shop');
      expect(key).toMatch(/^cc_live_/);
      const r = await s.api('/v1/products', { body: product('http://127.0.0.1/tea.jpg'), key });
      expectValidation(r, 'image_url');
      expect(r.body.error.message).toBe('image_url: names a refused address 127.0.0.1 (loopback)');
      s.ctx.webhookAllowPrivate = true;
      expect((await s.api('/v1/products', { body: product('http://10.1.2.3/tea.jpg'), key })).status).toBe(201);
      expect((await s.api('/v1/products', { body: product('http://169.254.169.254/'), key })).status).toBe(400);
    } finally {
      s.ctx.mode = 'sandbox';
      s.ctx.webhookAllowPrivate = false;
    }
  });

  it('clearing the image (null) is allowed, and nothing answered 5xx', async () => {
    const ok = await s.api('/v1/products', { body: product('https://cdn.example.com/b.jpg') });
    const u = await s.api(`/v1/products/${ok.body.id}`, { method: 'PATCH', body: { image_url: null } });
    expect(u.status).toBe(200);
    expect(u.body.image_url).toBeNull();
    await expectNo5xx(s);
  });
});
