// The console's selling tools in a browser: checkout links (create one, its URL and QR, its
// payers' orders, deactivate), recording a payment taken by staff on an order (and voiding
// it), and the inbox composer's quick replies ("/" offers them), at 1280 px and 360 px, with
// screenshots in test-results/screenshots/console-selling-*.png and axe-core.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer, until } from '../support/browser.ts';
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
    await owner.getByRole('button', { name: 'Activate', exact: true }).waitFor();
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body.state).toBe('inactive');
    await owner.getByTestId('toggle-link').click();
    await owner.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();

    // A range and a products link.
    await owner.getByRole('link', { name: '← Checkout links' }).click();
    await owner.getByTestId('add-checkout-link').click();
    await dialog.getByLabel('Name').fill('Pay what you like');
    await dialog.getByLabel('The payer pays').selectOption('range');
    await dialog.getByLabel('Least').fill('100');
    await dialog.getByLabel('Most').fill('50');
    await dialog.getByText('The least must be less than the most').waitFor();
    await dialog.getByLabel('Most').fill('5000');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await owner.getByTestId('checkout-links').getByRole('row').filter({ hasText: 'Pay what you like' }).getByText('₹100.00 – ₹5,000.00').waitFor();
    await owner.getByTestId('add-checkout-link').click();
    await dialog.getByLabel('Name').fill('Chai for two');
    await dialog.getByLabel('The payer pays').selectOption('products');
    await dialog.getByRole('checkbox').first().check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await owner
      .getByTestId('checkout-links')
      .getByRole('row')
      .filter({ hasText: 'Chai for two' })
      .getByText(/^1 product/)
      .waitFor();
    const made = (await s.api('/v1/checkout-links')).body.data as any[];
    expect(made.find((l) => l.name === 'Pay what you like').amount_range).toEqual({ min: 10000, max: 500000 });
    expect(made.find((l) => l.name === 'Chai for two').retailer_ids).toHaveLength(1);

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

describe('console record payment', () => {
  it('records cash taken for an unpaid order (the outstanding prefilled), shows it, and the owner voids it with a reason; an agent sees neither', async () => {
    const created = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: '919811100021', name: 'Kavya' },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 2 }],
        payment: { method: 'payment_link' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body;
    await owner.goto(`${s.base}/console/orders/${order.id}`);
    await owner.getByTestId('order-reference').waitFor();
    await owner.getByTestId('record-payment').click();
    const dialog = owner.getByTestId('record-payment-dialog');
    const amount = dialog.getByLabel(/^Amount/);
    expect(await amount.inputValue()).toBe((order.total / 100).toFixed(2));
    await dialog.getByLabel('How it came').selectOption('cash');
    await dialog.getByLabel(/Note/).fill('Collected at the door, receipt 0042');
    await shot(owner, 'record-payment-1280');
    await expectAccessible(owner, 'record a payment');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    const recorded = owner.getByTestId('recorded-payment');
    await recorded.filter({ hasText: 'receipt 0042' }).waitFor();
    await expect.poll(async () => (await s.api(`/v1/orders/${order.id}`)).body.payment_status).toBe('paid');
    // The page follows once its order is read again (the button goes with the outstanding amount).
    await expect.poll(() => owner.getByTestId('record-payment').count()).toBe(0);
    await shot(owner, 'recorded-1280');

    await owner.getByTestId('void-payment').click();
    const voidDialog = owner.getByTestId('void-payment-dialog');
    await voidDialog.getByLabel('Reason').fill('Counted twice: the customer paid online');
    await voidDialog.getByRole('button', { name: 'Void the payment' }).click();
    await recorded.filter({ hasText: 'Counted twice' }).waitFor();
    await owner.getByTestId('record-payment').waitFor();
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).not.toBe('paid');

    // An agent: neither recording nor voiding.
    // Inviting takes a person (never an API key): the owner's console session invites.
    const invite = await owner.evaluate(async () => {
      const r = await fetch('/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ email: 'selling.agent@example.com', role: 'agent', name: 'Ravi' }),
      });
      return { status: r.status, body: await r.json() };
    });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const { page, context } = await consolePage(browser, PHONE);
    await acceptLinkInBrowser(page, invite.body.invitation.url);
    await page.goto(`${s.base}/console/orders/${order.id}`);
    await page.getByTestId('order-reference').waitFor();
    await page.getByTestId('recorded-payments').waitFor();
    expect(await page.getByTestId('record-payment').count()).toBe(0);
    expect(await page.getByTestId('void-payment').count()).toBe(0);
    await shot(page, 'agent-order-360');
    await context.close();
    expect(ownerErrors).toEqual([]);
  });
});

describe('console inbox selling tools', () => {
  it('offers quick replies on "/", inserts one in the composer, and sends a checkout link and a product', async () => {
    const pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
    const wa = '919811100031';
    const said = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: 'Do you have gift boxes?' }, name: 'Nisha' }),
    });
    expect(said.status).toBe(201);
    for (const [shortcut, text] of [
      ['thanks', 'Thank you for your order! It leaves our kitchen today.'],
      ['timings', 'We deliver from 9 am to 8 pm, every day.'],
    ]) {
      const r = await s.api('/v1/quick-replies', { body: { shortcut, text } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const link = await s.api('/v1/checkout-links', { body: { name: 'Gift box', currency: 'INR', amount: 99900 } });
    expect(link.status, JSON.stringify(link.body)).toBe(201);

    await owner.goto(`${s.base}/console/inbox`);
    await owner.getByTestId('conversation').filter({ hasText: 'Nisha' }).click();
    const thread = owner.getByTestId('thread');
    await thread.getByText('Do you have gift boxes?').waitFor();
    const box = owner.getByLabel('Message', { exact: true });
    await box.fill('Hello! /th');
    const offered = owner.getByTestId('quick-reply');
    await offered.first().waitFor();
    expect(await offered.allTextContents()).toEqual(['/thanks Thank you for your order! It leaves our kitchen today.']);
    await box.fill('Hello! /');
    await expect.poll(() => offered.count()).toBe(2);
    await box.fill('Hello! /t');
    await expect.poll(() => offered.count()).toBe(2);
    await box.fill('Hello! /thanks');
    await expect.poll(() => offered.count()).toBe(1);
    await shot(owner, 'quick-replies-1280');
    await expectAccessible(owner, 'quick replies in the composer');
    await offered.first().click();
    expect(await box.inputValue()).toBe('Hello! Thank you for your order! It leaves our kitchen today.');
    expect(await owner.getByTestId('quick-replies').count()).toBe(0);
    await owner.getByTestId('send').click();
    await thread.getByTestId('message-out').filter({ hasText: 'It leaves our kitchen today.' }).waitFor();

    // Send a checkout link (its URL as text) and a product.
    await owner.getByLabel('Checkout link').selectOption({ label: 'Gift box' });
    await owner.getByTestId('send-link').click();
    await thread.getByTestId('message-out').filter({ hasText: link.body.url }).waitFor();
    await owner.getByLabel('Product', { exact: true }).selectOption({ index: 1 });
    await owner.getByTestId('send-product').click();
    const retailerId = await owner.getByLabel('Product', { exact: true }).inputValue();
    await thread
      .getByTestId('message-out')
      .filter({ hasText: `[product] ${retailerId}` })
      .waitFor();
    // The customer's question, the quick reply, the link (text) and the product (interactive).
    const all = (await s.api(`/v1/messages?wa_id=${wa}&limit=20`)).body.data as any[];
    expect(all.map((m) => m.type).sort()).toEqual(['interactive', 'text', 'text', 'text']);

    // A product list of two products, then the whole catalog: both reach the phone as WhatsApp sends them.
    await owner.getByLabel('Products for a list (up to 30)').selectOption([{ index: 0 }, { index: 1 }]);
    await owner.getByTestId('send-list').click();
    await owner.getByTestId('send-catalog').click();
    await until(async () => {
      const phone = await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json();
      const list: any[] = Array.isArray(phone) ? phone : (phone.data ?? phone.messages);
      const kinds = JSON.stringify(list);
      return kinds.includes('product_list') && kinds.includes('catalog_message');
    }, 'the product list and the catalog on the phone');
    await shot(owner, 'inbox-tools-1280');
    expect(ownerErrors).toEqual([]);
  });
});
