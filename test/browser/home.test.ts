import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, useBrowserServer } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
const h = useBrowserServer();
beforeAll(() => {
  ({ s, browser } = h);
});

describe('start page', () => {
  it('shows the mode and where to go next, with a strict CSP', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${s.base}/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');
    await expect(page.getByTestId('mode').textContent()).resolves.toBe('sandbox');
    await expect(page.locator('#status').textContent()).resolves.toContain('/healthz');
    await page.getByRole('link', { name: '/openapi.json' }).click();
    await page.waitForURL(/openapi\.json$/);
    expect(await page.content()).toContain('/v1/orders');
    // Where a lost key or password comes from, and the console.
    await page.goto(`${s.base}/`);
    await expect(page.getByTestId('lost-help').textContent()).resolves.toContain('chatcart keys create --merchant');
    await expect(page.getByTestId('lost-help').textContent()).resolves.toContain('chatcart users reset-password --email');
    expect(await page.getByTestId('console-link').getAttribute('href')).toBe('/console');
    // The icon is served, and the page's CSP lets it load.
    const icon = await page.request.get(`${s.base}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
    const loaded = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const img = new Image();
          img.onload = () => resolve(true);
          img.onerror = () => resolve(false);
          img.src = (document.querySelector('link[rel=icon]') as HTMLLinkElement).href;
        }),
    );
    expect(loaded).toBe(true);
    const file = screenshotPath('home');
    await page.goto(`${s.base}/`);
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });
});
