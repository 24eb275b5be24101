// The simulated customer phone over plain HTTP: the page with its security headers, its
// scripts, the number list (no tokens), and none of it in live mode.
import crypto from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/main.ts';
import { openTestDb } from '../support/db.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('sandbox phone (sandbox mode)', () => {
  it('serves the page with a strict CSP and no data in it', async () => {
    const r = await fetch(`${s.base}/sandbox/phone`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain(CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await r.text();
    expect(html).toContain('<script src="/sandbox/phone/app.js" defer></script>');
    expect(html).not.toMatch(/<script>|\son[a-z]+=/i);
  });

  it('serves its scripts as JavaScript', async () => {
    for (const name of ['app.js', 'render.js']) {
      const r = await fetch(`${s.base}/sandbox/phone/${name}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const js = await r.text();
      expect(js).toContain("'use strict'");
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    }
  });

  it('lists the sandbox numbers with their merchant, never a token', async () => {
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    const r = await fetch(`${s.base}/sandbox/phone/numbers`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).not.toContain(settings.sandbox_access_token);
    expect(text).not.toMatch(/token/i);
    const body = JSON.parse(text);
    expect(body.data).toContainEqual({
      phone_number_id: settings.phone_number_id,
      display_phone_number: settings.display_phone_number,
      merchant_name: 'Demo Shop',
      currency_exponents: { INR: 2 },
    });
  });

  it('is linked from the start page', async () => {
    expect(await (await fetch(`${s.base}/`)).text()).toContain('href="/sandbox/phone"');
  });
});

describe('sandbox phone (live mode)', () => {
  it('does not exist', async () => {
    const db = await openTestDb();
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
    const live = await startServer(cfg, { db, log: pino({ level: 'silent' }) });
    try {
      for (const path of ['/sandbox/phone', '/sandbox/phone/app.js', '/sandbox/phone/render.js', '/sandbox/phone/numbers']) {
        expect((await fetch(`${live.url}${path}`)).status, path).toBe(404);
      }
      expect(await (await fetch(`${live.url}/`)).text()).not.toContain('/sandbox/phone');
    } finally {
      await live.close();
      await db.close();
    }
  });
});
