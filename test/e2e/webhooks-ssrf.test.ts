// The SSRF guard on a live-mode server: refused at registration when the URL names a
// refused address (in any numeric spelling), refused at connect time when a name
// resolves to one. Names other than localhost go through an injected resolver, so no
// connection is ever opened to a private or public address.
import crypto from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import type { Resolver } from '../../src/adapters/outbound-webhooks/ssrf.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer, type Running } from '../../src/main.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startReceiver, type Receiver } from '../support/webhook-receiver.ts';
import { webhookRunner } from '../support/webhook-runner.ts';

const clock = new ManualClock(new Date());
let live: Running;
let db: TestDb;
let key: string;
let receiver: Receiver;

const resolver: Resolver = async (host) => {
  const table: Record<string, string[]> = {
    'internal.example.test': ['10.0.0.7'],
    'rebind.example.test': ['203.0.114.9', '127.0.0.1'],
    'metadata.example.test': ['169.254.169.254'],
    'mapped.example.test': ['::ffff:7f00:1'],
    'v6.example.test': ['fd00::5'],
  };
  const list = table[host];
  if (!list) throw Object.assign(new Error(`test resolver: unknown host ${host}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function api(path: string, body?: unknown) {
  const res = await fetch(`${live.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  db = await openTestDb();
  const cfg = loadConfig({
    CHATCART_MODE: 'live',
    PORT: '0',
    HOST: '127.0.0.1',
    CHATCART_JOBS: 'off',
    LOG_LEVEL: 'silent',
    WHATSAPP_APP_SECRET: 'live-app-secret',
    WHATSAPP_VERIFY_TOKEN: 'live-verify-token',
    CHATCART_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  });
  // startTestServer expects a demo merchant, which live mode never creates: start it directly.
  live = await startServer(cfg, { db, clock, log: pino({ level: 'silent' }) });
  key = (await db.transaction((tx) => onboardMerchant(live.ctx, tx, 'Live shop'))).apiKey;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await live?.close();
  await db?.close();
});

describe('SSRF guard at registration (live mode)', () => {
  it.each([
    'http://127.0.0.1/hooks',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'ftp://crm.example.com/',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s with 400 validation_error', async (url) => {
    const res = await api('/v1/webhook-endpoints', { url });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toMatch(/^url: /);
  });

  it('accepts public names and addresses (nothing is fetched at registration)', async () => {
    for (const url of ['https://crm.example.com/hooks', 'https://8.8.8.8/hooks', 'https://[2606:4700:4700::1111]/x']) {
      const res = await api('/v1/webhook-endpoints', { url });
      expect(res.status, url).toBe(201);
      // Gone at once: no later event may ever be sent to a real public address from a test.
      expect((await fetch(`${live.url}/v1/webhook-endpoints/${res.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } })).status).toBe(
        200,
      );
    }
  });
});

describe('SSRF guard at connect time (live mode)', () => {
  it('refuses a name that resolves to loopback (localhost) without connecting', async () => {
    const port = new URL(receiver.url).port;
    const ep = (await api('/v1/webhook-endpoints', { url: `http://localhost:${port}/hooks` })).body;
    expect(ep.id).toMatch(/^whe_/);
    await api(`/v1/webhook-endpoints/${ep.id}/test`, {});
    await webhookRunner(live, clock).drain();
    expect(receiver.received).toHaveLength(0);
    const [attempt] = (await api(`/v1/webhook-endpoints/${ep.id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ status_code: null, response_excerpt: null });
    expect(attempt.error).toMatch(/^refused: localhost resolves to a refused address (127\.0\.0\.1|::1) \(loopback\)$/);
  });

  it.each([
    ['internal.example.test', '10.0.0.7 (private)'],
    ['rebind.example.test', '127.0.0.1 (loopback)'],
    ['metadata.example.test', '169.254.169.254 (metadata)'],
    ['mapped.example.test', '::ffff:7f00:1 (loopback)'],
    ['v6.example.test', 'fd00::5 (private)'],
  ])('refuses %s (resolves to %s) through the injected resolver', async (host, what) => {
    const ep = (await api('/v1/webhook-endpoints', { url: `https://${host}/hooks` })).body;
    await api(`/v1/webhook-endpoints/${ep.id}/test`, {});
    await webhookRunner(live, clock, { resolve: resolver }).drain();
    const [attempt] = (await api(`/v1/webhook-endpoints/${ep.id}/attempts`)).body.data;
    expect(attempt.error).toBe(`refused: ${host} resolves to a refused address ${what}`);
  });

  it('WEBHOOK_ALLOW_PRIVATE=true lets an operator target private networks, never metadata', async () => {
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).WEBHOOK_ALLOW_PRIVATE).toBe('true');
    expect(live.ctx.webhookAllowPrivate).toBe(false); // read once from the config the server started with
    live.ctx.webhookAllowPrivate = true;
    try {
      const internal = await api('/v1/webhook-endpoints', { url: 'http://10.0.0.1/hooks' });
      expect(internal.status).toBe(201);
      await fetch(`${live.url}/v1/webhook-endpoints/${internal.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
      expect((await api('/v1/webhook-endpoints', { url: 'http://169.254.169.254/' })).status).toBe(400);
      const ep = (await api('/v1/webhook-endpoints', { url: `${receiver.url}/allowed` })).body;
      await api(`/v1/webhook-endpoints/${ep.id}/test`, {});
      await webhookRunner(live, clock).drain();
      expect(receiver.received.map((r) => r.json.type)).toEqual(['webhook.test']);
    } finally {
      live.ctx.webhookAllowPrivate = false;
    }
  });
});

describe('SSRF guard in sandbox mode', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ clock });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('allows loopback only', async () => {
    expect((await s.api('/v1/webhook-endpoints', { body: { url: 'http://127.0.0.1:9/hooks' } })).status).toBe(201);
    expect((await s.api('/v1/webhook-endpoints', { body: { url: 'http://localhost:9/hooks' } })).status).toBe(201);
    for (const url of ['http://10.0.0.1/', 'http://169.254.169.254/', 'http://[fd00::1]/', 'http://0.0.0.0/']) {
      expect((await s.api('/v1/webhook-endpoints', { body: { url } })).status, url).toBe(400);
    }
  });
});
