// The console's selling tools in a browser: checkout links (create one, its URL and QR, its
// payers' orders, deactivate), recording a payment taken by staff on an order (and voiding
// it), and the inbox composer's quick replies ("/" offers them), at 1280 px and 360 px, with
// screenshots in test-results/screenshots/console-selling-*.png and axe-core.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, expectAccessible, PHONE } from '../support/console.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let owner: Page;
let ownerErrors: string[];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
});

beforeAll(async () => {
  browser = h.browser;
  ({ page: owner, errors: ownerErrors } = await consolePage(browser));
  await acceptLinkInBrowser(owner, s.demo!.consoleLink);
});

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`console-selling-${name}`), fullPage: true });

describe('console checkout links', () => {
  it('creates a link with an amount typed in rupees, shows its URL and QR, and deactivates it', async () => {
    await owner.getByRole('link', { name: 'Checkout links' }).click();
    await owner.getByRole('heading', { name: 'Checkout links', level: 1 }).waitFor();
    await owner.getByTestId('add-checkout-link').click();
    const dialog = owner.getByTestId('checkout-link-dialog');
    await dialog.getByLabel('Name').fill('Diwali gift box');
    await dialog.getByLabel('Amount').fill('1249.50');
    await dialog.getByLabel(/Description/).fill('Sweets and chai, delivered in Bengaluru');
    await dialog.getByLabel(/Stop after this many payments/).fill('20');
    await shot(owner, 'link-form-1280');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const row = owner.getByTestId('checkout-links').getByRole('row').filter({ hasText: 'Diwali gift box' });
    await row.waitFor();
    expect(await row.textContent()).toContain('₹1,249.50');
    const [link] = (await s.api('/v1/checkout-links')).body.data as any[];
    expect(link.amount).toBe(124950);
    expect(link.max_payments).toBe(20);

    await row.getByRole('link', { name: 'Diwali gift box' }).click();
    await owner.getByTestId('checkout-link-name').waitFor();
    await expect(owner.getByTestId('link-url').textContent()).resolves.toBe(link.url);
    const qr = owner.getByTestId('link-qr');
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await owner.getByText('No one has paid on this link yet.').waitFor();
    await shot(owner, 'link-1280');
    await expectAccessible(owner, 'checkout link');

    await owner.getByTestId('toggle-link').click();
    await owner.getByRole('button', { name: 'Activate' }).waitFor();
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body.state).toBe('inactive');
    await owner.getByTestId('toggle-link').click();
    await owner.getByRole('button', { name: 'Deactivate' }).waitFor();

    const { context, page, errors } = await consolePage(browser, PHONE);
    await context.addCookies(await owner.context().cookies());
    await page.goto(`${s.base}/console/checkout-links`);
    await page.getByTestId('checkout-links').waitFor();
    await shot(page, 'links-360');
    await expectAccessible(page, 'checkout links at 360 px');
    await page.goto(`${s.base}/console/checkout-links/${link.id}`);
    await page.getByTestId('link-qr').waitFor();
    await shot(page, 'link-360');
    expect(errors).toEqual([]);
    expect(ownerErrors).toEqual([]);
    await context.close();
  });
});
