// A checkout link's public page in a real browser at 360 px (a small phone): the link with
// its amount range, the form, a mistake shown beside its field, then the hand-over to the
// bill on /pay/{token}; and the page of a link that has expired.
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

describe('checkout link page', () => {
  it('fits a 360 px phone, shows a mistake beside its field, and hands over to the bill', async () => {
    expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { locale: 'en-IN' } })).status).toBe(200);
    const created = await s.api('/v1/checkout-links', {
      body: {
        name: 'Pottery workshop deposit',
        currency: 'INR',
        amount_range: { min: 50000, max: 500000 },
        description: 'Saturday 10:00, Indiranagar studio.\nPay what you can between the amounts below.',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const link = created.body;
    const page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true });
    const res = await page.goto(link.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    await expect(page.getByTestId('heading').textContent()).resolves.toBe('Pottery workshop deposit');
    await expect(page.getByTestId('range').textContent()).resolves.toBe('Any amount from ₹500.00 to ₹5,000.00');
    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const file = screenshotPath('checkout-link-360');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);

    await page.getByTestId('field-amount').fill('5,000.01');
    await page.getByTestId('field-name').fill('Meera');
    await page.getByTestId('continue').click();
    await expect(page.getByTestId('error-amount').textContent()).resolves.toBe('Enter an amount from ₹500.00 to ₹5,000.00');
    await page.screenshot({ path: screenshotPath('checkout-link-360-error'), fullPage: true });

    await page.getByTestId('field-amount').fill('1,250');
    await page.getByTestId('field-wa_id').fill('+91 98765 00001');
    await page.getByTestId('field-notify').check();
    await page.getByTestId('continue').click();
    await page.waitForURL(/\/pay\/[A-Za-z0-9_-]+$/);
    await expect(page.getByTestId('total').textContent()).resolves.toBe('₹1,250.00');
    await page.screenshot({ path: screenshotPath('checkout-link-360-bill'), fullPage: true });

    const gone = await s.api(`/v1/checkout-links/${link.id}`, { method: 'PATCH', body: { active: false } });
    expect(gone.status).toBe(200);
    const res2 = await page.goto(link.url);
    expect(res2?.status()).toBe(410);
    await expect(page.getByTestId('gone').getAttribute('data-state')).resolves.toBe('inactive');
    await page.close();
  });
});
