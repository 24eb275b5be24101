// Request-level errors in the envelope: malformed JSON, wrong types, unknown fields
// (with their paths), the body size cap (413), wrong content types (415) and
// unknown routes (404).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPaths, expectError, expectNo5xx, expectValidation } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let small: TestServer;

beforeAll(async () => {
  s = await startTestServer();
  small = await startTestServer({ env: { BODY_LIMIT_BYTES: '2048' } });
});
afterAll(async () => {
  await s?.close();
  await small?.close();
});

const orders = async () => (await s.api('/v1/orders')).body.data.length as number;

describe('malformed and mistyped bodies', () => {
  it.each(['{"customer":', '{customer: 1}', "{'a':1}", '{"a":1}}', 'undefined', '\u0000'])('malformed JSON %j is 400 validation_error', async (raw) => {
    const e = expectError(await s.api('/v1/orders', { rawBody: raw }), 400, 'validation_error');
    expect(e.message).toMatch(/JSON/);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"order"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an empty body', ''],
  ])('a JSON body that is %s is 400', async (_label, raw) => {
    expectError(await s.api('/v1/orders', { rawBody: raw }), 400, 'validation_error');
  });

  it.each([
    ['customer.wa_id', { customer: { wa_id: 919876543210 } }],
    ['currency', { currency: 356 }],
    ['items', { items: { retailer_id: 'masala-chai', quantity: 1 } }],
    ['items.0.quantity', { items: [{ retailer_id: 'masala-chai', quantity: '2' }] }],
    ['tax', { tax: 1000 }],
    ['payment', { payment: 'payment_link' }],
    ['send', { send: 1 }],
    ['metadata', { metadata: ['a'] }],
  ])('a wrong type at %s is 400 naming the path', async (path, over) => {
    expectValidation(await s.api('/v1/orders', { body: sampleOrder(over) }), path);
  });

  it('reports every failing field with its path', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ currency: 'inr', customer: { wa_id: 'x' }, expires_in: 1 }) });
    expectError(r, 400, 'validation_error');
    expect(errorPaths(r)).toEqual(expect.arrayContaining(['currency', 'customer.wa_id', 'expires_in']));
    for (const d of r.body.error.details) expect(typeof d.message).toBe('string');
  });

  it('unknown fields are refused at their own path, at any depth', async () => {
    const cases: [unknown, string][] = [
      [{ ...sampleOrder(), total: 1 }, 'total'],
      [sampleOrder({ customer: { wa_id: '919876543210', email: 'a@b.c' } }), 'customer.email'],
      [sampleOrder({ items: [{ retailer_id: 'masala-chai', quantity: 1, price: 1 }] }), 'items.0.price'],
      [sampleOrder({ payment: { method: 'payment_link', capture: 'auto' } }), 'payment.capture'],
      [sampleOrder({ shipping: { amount: 0, carrier: 'x' } }), 'shipping.carrier'],
    ];
    for (const [body, path] of cases) expectValidation(await s.api('/v1/orders', { body }), path);
    // __proto__ is an unknown field too, not a way around the check.
    expectValidation(await s.api('/v1/orders', { rawBody: JSON.stringify(sampleOrder()).replace(/^\{/, '{"__proto__":{"admin":true},') }), '__proto__');
  });

  it('none of these created an order', async () => {
    expect(await orders()).toBe(0);
  });
});

describe('content types', () => {
  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream'])(
    'a %s body is 415 unsupported_media_type',
    async (type) => {
      const r = await s.api('/v1/orders', { rawBody: JSON.stringify(sampleOrder()), headers: { 'content-type': type } });
      expectError(r, 415, 'unsupported_media_type');
    },
  );

  it('application/json with a charset or in upper case is accepted', async () => {
    for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
      const r = await s.api('/v1/orders', { rawBody: JSON.stringify(sampleOrder()), headers: { 'content-type': type } });
      expect(r.status).toBe(201);
    }
  });
});

describe('body size cap (BODY_LIMIT_BYTES=2048)', () => {
  it('a body over the cap is 413 payload_too_large; one under it is served', async () => {
    const big = sampleOrder({ metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(400)])) });
    expect(JSON.stringify(big).length).toBeGreaterThan(2048);
    const e = expectError(await small.api('/v1/orders', { body: big }), 413, 'payload_too_large');
    expect(e.message).toMatch(/2048/);
    expect((await small.api('/v1/orders', { body: sampleOrder() })).status).toBe(201);
    // Also without a content-length (chunked), and before authentication matters.
    const chunked = await fetch(`${small.base}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${small.demoKey}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(JSON.stringify(big)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await chunked.json()).error.code).toBe('payload_too_large');
    expect((await small.api('/v1/orders')).body.data).toHaveLength(1);
  });
});

describe('unknown routes and methods', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/v1/nope'],
    ['DELETE', '/v1/orders'],
    ['PUT', '/v1/products'],
    ['GET', '/v1/orders/ord_x/refunds-nope'],
  ])('%s %s is 404 not_found in the envelope', async (method, path) => {
    const r = await s.api(path, { method });
    const e = expectError(r, 404, 'not_found');
    expect(e.message).toContain(path.split('?')[0]);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(s);
    await expectNo5xx(small);
  });
});
