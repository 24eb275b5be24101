// The hosted checkout in a real browser: our page, the hand-over to the sandbox
// payment provider, paying there, and the page showing the verified result.
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, useBrowserServer } from '../support/browser.ts';
import { runUntilIdle } from '../support/pay.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
const h = useBrowserServer();
beforeAll(() => {
  ({ s, browser } = h);
});

describe('hosted checkout', () => {
  it('shows the bill, hands over to the provider, and shows paid after the verified webhook', async () => {
    // The shop is in India: times on its pages are India's.
    expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata', locale: 'en-IN' } })).status).toBe(200);
    const order = (await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: '919876543210', name: '<b>Asha</b>' } }) })).body;
    const page = await browser.newPage({ viewport: { width: 420, height: 860 } });
    const res = await page.goto(order.payment.url);
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');
    await expect(page.getByTestId('total').textContent()).resolves.toBe('₹558.00');
    await expect(page.locator('body').textContent()).resolves.toContain('Masala chai');
    // The reference, never our internal id; the deadline in the business's zone.
    await expect(page.getByTestId('heading').textContent()).resolves.toBe(`Order ${order.payment.reference_id}`);
    await expect(page.getByTestId('pay-before').textContent()).resolves.toMatch(/^Pay before \d{1,2} \w{3}, \d{1,2}:\d{2}\s?[ap]m IST\./);
    await page.screenshot({ path: screenshotPath('checkout-open'), fullPage: true });

    await page.getByTestId('pay').click();
    await page.waitForURL(/\/sandbox\/psp\/pay\//);
    await expect(page.locator('body').textContent()).resolves.toContain('558.00');
    await page.getByTestId('pay-success').click();
    await page.waitForURL(new RegExp(`/pay/${order.payment.url.split('/pay/')[1]}$`));

    // Paid only once the signed webhook has been processed: never from the redirect.
    const before = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(before.payment_status).not.toBe('paid');
    // Back from the provider before its word arrived: no plain Pay button, a notice, and a page that reloads itself.
    await expect(page.getByTestId('awaiting').textContent()).resolves.toContain('this page updates by itself');
    await expect(page.getByTestId('pay').textContent()).resolves.toBe('Continue to payment ₹558.00');
    expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('checkout-awaiting'), fullPage: true });
    await runUntilIdle(s);
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).toBe('paid');
    // No reload by the test: the page's own refresh shows the verified result.
    await page.getByTestId('state').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('state').getAttribute('data-state')).resolves.toBe('paid');
    expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(0);
    const file = screenshotPath('checkout-paid');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });
});
