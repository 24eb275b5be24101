import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('smoke', () => {
  it('answers health and creates an order', async () => {
    expect((await s.api('/healthz', { key: null })).body).toEqual({ status: 'ok' });
    const r = await s.api('/v1/orders', { body: sampleOrder() });
    expect(r.status).toBe(201);
    expect(r.body.total).toBe(24900 * 2 + 5000 + 1000);
    expect(r.body.payment.url).toMatch(/\/pay\/[A-Za-z0-9_-]{32}$/);
  });
});
