// Every page of the console at 360 px and 1280 px, with screenshots in
// test-results/screenshots/console-*.png and axe-core (no serious violation); the sandbox's
// settlement file uploaded on Money shows its items; an agent invited from Team (the link
// accepted in the browser) sees no refund, no money, no settings and no keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, useBrowserServer, until } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, DESKTOP, expectAccessible, PHONE, shoot } from '../support/console.ts';
import { payOrder } from '../support/pay.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let owner: Page;
let paid: { id: string; reference_id: string };
const h = useBrowserServer(LIVE_SERVER);

beforeAll(async () => {
  ({ s, browser } = h);
  for (const [i, wa] of ['919811111111', '919822222222', '919833333333'].entries()) {
    const r = await s.api('/v1/orders', {
      body: sampleOrder({ customer: { wa_id: wa, name: ['Asha', 'Ravi', 'Meera'][i] } }),
      headers: { 'idempotency-key': `p-${i}` },
    });
    expect(r.status).toBe(201);
    if (i < 2) await payOrder(s, r.body.payment.url, 'success');
    if (i === 0) paid = r.body;
  }
  await until(async () => (await s.api(`/v1/orders/${paid.id}`)).body.payment_status === 'paid', 'the payment');
  ({ page: owner } = await consolePage(browser));
  await acceptLinkInBrowser(owner, s.demo!.consoleLink);
});

/** Waits until the page has its heading and no loading state left. */
async function settled(page: Page, heading: string) {
  await page.getByRole('heading', { name: heading, exact: true, level: 1 }).waitFor();
  await until(async () => (await page.getByRole('status').filter({ hasText: 'Loading…' }).count()) === 0, `${heading} to load`);
}

const PAGES: [string, string, string][] = [
  ['today', '/console', 'Today'],
  ['orders', '/console/orders', 'Orders'],
  ['order', '', ''],
  ['catalog', '/console/catalog', 'Catalog'],
  ['bookings', '/console/bookings', 'Bookings'],
  ['money', '/console/money', 'Money'],
  ['settings-business', '/console/settings/business', 'Settings'],
  ['settings-whatsapp', '/console/settings/whatsapp', 'Settings'],
  ['settings-payments', '/console/settings/payments', 'Settings'],
  ['settings-flows', '/console/settings/flows', 'Settings'],
  ['settings-webhooks', '/console/settings/webhooks', 'Settings'],
  ['settings-keys', '/console/settings/keys', 'Settings'],
  ['settings-team', '/console/settings/team', 'Settings'],
  ['settings-audit', '/console/settings/audit', 'Settings'],
];

describe('console pages', () => {
  it('uploads the sandbox settlement file on Money, follows the import and shows its items', async () => {
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const csv = await fetch(`${s.base}/sandbox/psp/settlements.csv?from=${day}&to=${to}`, { headers: { authorization: `Bearer ${s.demoKey}` } });
    expect(csv.status).toBe(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'settle-')), 'settlements.csv');
    fs.writeFileSync(file, await csv.text());

    await owner.goto(`${s.base}/console/money`);
    await settled(owner, 'Money');
    await owner.getByTestId('recon-file').setInputFiles(file);
    await owner.getByLabel('Format').selectOption('razorpay');
    await owner.getByLabel('Provider (optional)').selectOption('sandbox');
    await owner.getByTestId('recon-upload').click();
    const items = owner.getByTestId('recon-items');
    await items.waitFor({ timeout: 20_000 });
    await items.getByText(paid.reference_id).first().waitFor();
    // The import runs in a job: its progress shows until it ends.
    await owner.getByTestId('recon-progress').waitFor({ state: 'detached', timeout: 20_000 });
    await until(async () => (await owner.getByTestId('recon-totals').locator('tbody tr').count()) > 0, 'the totals');
    // Apply: the same file imported with apply books its fees and payouts.
    await owner.getByTestId('recon-apply').click();
    await owner.getByText('Applied').first().waitFor({ timeout: 20_000 });
  });

  it('creates, edits and deactivates a product in the catalog', async () => {
    await owner.goto(`${s.base}/console/catalog`);
    await settled(owner, 'Catalog');
    await owner.getByTestId('add-product').click();
    const dialog = owner.getByTestId('product-dialog');
    await dialog.getByLabel('Name').fill('Cardamom tea (100 g)');
    await dialog.getByLabel('Product code (retailer id)').fill('cardamom-tea');
    await dialog.getByLabel('Price').fill('199.50');
    await dialog.getByLabel('Goods type').selectOption('physical-goods');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const row = owner.getByTestId('products').locator('tr', { hasText: 'Cardamom tea (100 g)' });
    await row.getByText('₹199.50').waitFor();
    const created = (await s.api('/v1/products?limit=100')).body.data.find((p: any) => p.retailer_id === 'cardamom-tea');
    expect(created).toMatchObject({ price: 19_950, currency: 'INR', goods_type: 'physical-goods', active: true });

    await row.getByRole('button', { name: 'Edit Cardamom tea (100 g)' }).click();
    await dialog.getByLabel('Price').fill('210');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('₹210.00').waitFor();
    await row.getByRole('button', { name: 'Deactivate Cardamom tea (100 g)' }).click();
    await row.getByText('inactive').waitFor();
    expect((await s.api(`/v1/products/${created.id}`)).body).toMatchObject({ price: 21_000, active: false });
  });

  it('adds a webhook endpoint (its secret shown once) and sends it a test; creates an API key (shown once) and revokes it', async () => {
    await owner.goto(`${s.base}/console/settings/webhooks`);
    await settled(owner, 'Settings');
    await owner.getByLabel('Endpoint URL (https)').fill(`${s.base}/healthz`);
    await owner.getByLabel('Description (optional)').fill('Our CRM');
    await owner.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await owner.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
    await owner.getByRole('button', { name: 'Send a test event' }).click();
    await owner.getByText('Test event queued.').waitFor();

    await owner.goto(`${s.base}/console/settings/keys`);
    await settled(owner, 'Settings');
    await owner.getByLabel('Name').fill('Shop backend');
    await owner.getByRole('button', { name: 'Create a key' }).click();
    const key = (await owner.getByTestId('new-api-key').textContent())!.trim();
    expect((await s.api('/v1/me', { key })).status).toBe(200);
    await owner.getByRole('button', { name: 'Revoke Shop backend' }).click();
    await owner.getByTestId('revoke-dialog').getByRole('button', { name: 'Revoke the key' }).click();
    await owner.getByTestId('api-keys').locator('li', { hasText: 'Shop backend' }).getByText('revoked').waitFor();
    expect((await s.api('/v1/me', { key })).status).toBe(401);
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`shows every page at ${viewport.width} px, accessible`, async () => {
      const { page, context, errors } = await consolePage(browser, viewport);
      await context.addCookies(await owner.context().cookies());
      for (const [name, url, heading] of PAGES) {
        if (name === 'order') {
          await page.goto(`${s.base}/console/orders/${paid.id}`);
          await settled(page, paid.reference_id);
          await page.getByTestId('timeline').waitFor();
        } else {
          await page.goto(`${s.base}${url}`);
          await settled(page, heading);
        }
        await shoot(page, `${name}-${viewport.width}`);
        // Nothing wider than the screen: a phone scrolls down, never sideways.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(0);
        await expectAccessible(page, `${name} at ${viewport.width} px`);
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('an agent invited from Team sees no refund, no money, no settings and no keys', async () => {
    await owner.goto(`${s.base}/console/settings/team`);
    await settled(owner, 'Settings');
    await owner.getByLabel('Email').fill('ravi.agent@example.com');
    await owner.getByLabel('Name (optional)').fill('Ravi');
    await owner.getByLabel('Role', { exact: true }).selectOption('agent');
    await owner.getByTestId('invite').click();
    const link = (await owner.getByTestId('invite-link').textContent())!.trim();
    expect(link).toContain('/console/invite/');

    const { page, context } = await consolePage(browser, PHONE);
    await acceptLinkInBrowser(page, link);
    expect(await page.getByTestId('who').textContent()).toContain('agent');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Orders' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Money' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);

    await page.goto(`${s.base}/console/orders/${paid.id}`);
    await settled(page, paid.reference_id);
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('refund').count()).toBe(0);
    expect(await page.getByTestId('status-select').count()).toBe(1);
    await shoot(page, 'agent-order-360');

    await page.goto(`${s.base}/console/settings/keys`);
    await page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
    expect(await page.getByTestId('api-keys').count()).toBe(0);
    expect(await page.getByText('API keys').count()).toBe(0);
    await page.getByText('Your role has no settings to change').waitFor();
    await context.close();
  });
});
