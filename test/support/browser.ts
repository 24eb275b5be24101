// Debian's chromium driven by playwright-core (no browser downloads here). The flags
// keep Chromium from reaching for the network at start-up.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../src/adapters/clock/clock.ts';
import { startTestServer, type TestServer } from './server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function screenshotPath(name: string): string {
  const dir = path.resolve('test-results/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}

/** Background workers on the real clock, polling fast: the server as a person using the phone meets it. */
export const LIVE_SERVER: Parameters<typeof startTestServer>[0] = { jobs: true, clock: systemClock, env: { CHATCART_POLL_MS: '50' } };

/**
 * The set-up the browser tests share: a test server (with `opts`), then `prepare` (data the
 * test needs, and whatever it reads from the server), then Chromium; both closed after all.
 * Read `s` and `browser` from the returned object (set in beforeAll).
 */
export function useBrowserServer(opts: Parameters<typeof startTestServer>[0] = {}, prepare: (s: TestServer) => Promise<void> = async () => {}) {
  const h = { s: undefined as unknown as TestServer, browser: undefined as unknown as Browser };
  beforeAll(async () => {
    h.s = await startTestServer(opts);
    await prepare(h.s);
    h.browser = await launchBrowser();
  });
  afterAll(async () => {
    await h.browser?.close();
    await h.s?.close();
  });
  return h;
}

/** Polls `check` every 200 ms until it holds; fails naming `what` after 30 s (a bound that only stops a hung test). */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Until the shop has heard from `waId`: a phone shows its own message at once, the shop learns
 * of it when its webhook job has run (later under load), and only then is the 24-hour window
 * open for a free-form reply (an interactive message, a flow, a product list).
 */
export async function untilWindowOpen(s: TestServer, waId: string): Promise<void> {
  await until(
    async () => ((await s.api(`/v1/customers?query=${waId}`)).body.data as any[]).some((c) => c.wa_id === waId && c.window_expires_at),
    `the shop to hear from ${waId}`,
  );
}

/** Collects what a page must never do into `problems`: an uncaught error, or a console error (a missing favicon aside). */
export function watchPage(page: import('playwright-core').Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console: ${m.text()}`);
  });
}
