// Operations endpoints: /healthz, /metrics (Prometheus text), /openapi.json (the /v1
// API and the machine endpoints outside it; no page), the start page, and a request-id
// header on every response. test/e2e/openapi.test.ts holds the document to every route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"} without a key', async () => {
    const r = await s.api('/healthz', { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('GET /metrics', () => {
  it('is Prometheus text with request counts and the job queue depth', async () => {
    expect((await s.api('/v1/orders', { body: sampleOrder() })).status).toBe(201);
    expect((await s.api('/v1/orders/ord_00000000000000000000000000')).status).toBe(404);
    const r = await s.api('/metrics', { key: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = String(r.body);
    expect(text).toContain('# TYPE chatcart_http_requests_total counter');
    expect(text).toMatch(/^chatcart_http_requests_total\{method="POST",route="\/v1\/orders",status="201"\} 1$/m);
    // Labelled by route pattern, not by raw URL (no unbounded label values).
    expect(text).toMatch(/^chatcart_http_requests_total\{method="GET",route="\/v1\/orders\/:id",status="404"\} 1$/m);
    expect(text).not.toContain('ord_00000000000000000000000000');
    expect(text).toContain('# TYPE chatcart_jobs_queue_depth gauge');
    // The order queued its expiry and bill jobs (workers are off in tests).
    const depth = /^chatcart_jobs_queue_depth\{status="queued"\} (\d+)$/m.exec(text);
    expect(Number(depth?.[1])).toBeGreaterThanOrEqual(2);
    expect(text).toContain('chatcart_http_request_duration_seconds_bucket');
  });

  it('does not expose keys or customer data', async () => {
    const text = String((await s.api('/metrics', { key: null })).body);
    expect(text).not.toContain(s.demoKey);
    expect(text).not.toContain('919876543210');
  });
});

describe('METRICS_TOKEN and security headers', () => {
  const TOKEN = 'metrics-token-0123456789abcdef';
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { METRICS_TOKEN: TOKEN, PUBLIC_URL: 'https://shop.example.com' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('without METRICS_TOKEN, /metrics is open (as before)', async () => {
    expect((await s.api('/metrics', { key: null })).status).toBe(200);
  });

  it('with METRICS_TOKEN, /metrics answers only that Bearer token', async () => {
    const none = await t.api('/metrics', { key: null });
    expectError(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expectError(await t.api('/metrics', { key: 'metrics-token-0123456789abcdeX' }), 401, 'unauthorized');
    expectError(await t.api('/metrics', { key: t.demoKey }), 401, 'unauthorized');
    expectError(
      await t.api('/metrics', { key: null, headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } }),
      401,
      'unauthorized',
    );
    const ok = await t.api('/metrics', { key: TOKEN });
    expect(ok.status).toBe(200);
    expect(String(ok.body)).toContain('# TYPE chatcart_http_requests_total counter');
    // The other operations endpoints are unchanged.
    expect((await t.api('/healthz', { key: null })).status).toBe(200);
  });

  it('every HTML page says X-Frame-Options: DENY', async () => {
    for (const path of ['/', '/sandbox/phone', '/pay/not-a-token', '/sandbox/psp/pay/chk_nope']) {
      const r = await s.api(path, { key: null });
      expect(r.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('sends HSTS when PUBLIC_URL is https, and not when it is http', async () => {
    for (const path of ['/', '/healthz', '/v1/orders', '/nowhere']) {
      expect((await t.api(path)).headers.get('strict-transport-security'), path).toBe('max-age=31536000');
      expect((await s.api(path)).headers.get('strict-transport-security'), path).toBeNull();
    }
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of /v1 and the machine endpoints, without pages', async () => {
    const r = await s.api('/openapi.json', { key: null });
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/orders/{id}/status',
        '/v1/orders/{id}/cancel',
        '/v1/products',
        '/v1/products/{id}',
        '/v1/events',
        '/v1/api-keys',
      ]),
    );
    for (const hidden of ['/openapi.json', '/', '/pay/{token}']) expect(paths).not.toContain(hidden);
    expect(paths.filter((p) => !p.startsWith('/v1/')).sort()).toEqual([
      '/flows/endpoint/{merchant_id}',
      '/healthz',
      '/metrics',
      '/webhooks/providers/{provider}/{merchant_id}',
      '/webhooks/whatsapp',
    ]);
  });

  it('describes POST /v1/orders with a request body schema that has customer', async () => {
    const doc = (await s.api('/openapi.json', { key: null })).body;
    const post = doc.paths['/v1/orders'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.properties).toHaveProperty('customer');
    // "cus_…", {wa_id, name?} or {bsuid, name?}
    const forms = schema.properties.customer.anyOf ?? schema.properties.customer.oneOf;
    expect(forms.some((f: any) => f.properties?.wa_id)).toBe(true);
    expect(forms.some((f: any) => f.properties?.bsuid)).toBe(true);
    expect(schema.required).toEqual(expect.arrayContaining(['customer', 'currency', 'items']));
    expect(schema.required).not.toContain('payment'); // the merchant's default when omitted
    expect(schema.additionalProperties).toBe(false);
    expect(doc.paths['/v1/products'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('retailer_id');
    expect(doc.paths['/v1/products'].get).toBeDefined();
    expect(doc.components.securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' } });
  });
});

describe('request ids', () => {
  it('every response has a request-id header starting with req_, unique per request', async () => {
    const calls: [string, Parameters<TestServer['api']>[1]][] = [
      ['/healthz', { key: null }],
      ['/metrics', { key: null }],
      ['/openapi.json', { key: null }],
      ['/', { key: null }],
      ['/v1/orders', {}],
      ['/v1/orders', { key: null }],
      ['/v1/orders', { body: sampleOrder() }],
      ['/v1/orders', { body: { nope: 1 } }],
      ['/v1/orders', { rawBody: '{', headers: {} }],
      ['/v1/orders', { rawBody: 'x', headers: { 'content-type': 'text/plain' } }],
      ['/v1/orders/ord_00000000000000000000000000', {}],
      ['/nowhere', { key: null }],
    ];
    const seen = new Set<string>();
    for (const [path, init] of calls) {
      const r = await s.api(path, init);
      const id = r.headers.get('request-id');
      expect(id, `${path} ${r.status}`).toMatch(/^req_[0-9a-z]{26}$/);
      seen.add(id!);
      if (r.status >= 400) expect(r.body.error.request_id).toBe(id);
    }
    expect(seen.size).toBe(calls.length);
  });

  it('ignores a request-id sent by the client', async () => {
    const r = await s.api('/v1/orders/ord_00000000000000000000000000', { headers: { 'request-id': 'req_spoofed', 'x-request-id': 'req_spoofed' } });
    const e = expectError(r, 404, 'not_found');
    expect(e.request_id).not.toBe('req_spoofed');
  });
});

describe('the start page', () => {
  it('is HTML with a content security policy', async () => {
    const r = await fetch(`${s.base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await r.text();
    expect(html).toContain('sandbox');
    expect(html).not.toContain(s.demoKey);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
