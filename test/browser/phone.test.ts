// The simulated customer phone in a real browser, with background workers on the real
// clock (so deliveries, statuses and provider webhooks happen by themselves, as for a
// person using it): chat, cart from the catalog, the bill, paying through the hosted
// checkout and the sandbox PSP, and the updates arriving in the chat.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const customer = '919876543210';
const problems: string[] = [];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  // A product whose name is markup: it must show as text, never as HTML.
  const evil = await s.api('/v1/products', { body: { retailer_id: 'zz-evil', name: '<img src=x onerror=alert(1)> Tea', price: 10_000, currency: 'INR' } });
  expect(evil.status).toBe(201);
});
beforeAll(() => {
  browser = h.browser;
});

function watch(page: Page) {
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`http ${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Our checkout and the PSP page have no favicon; nothing else may fail or be blocked.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}

const chat = (page: Page) => page.getByTestId('chat');

describe('sandbox phone', () => {
  it('chats, sends a cart, pays the bill and sees the updates', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    const res = await page.goto(`${s.base}/sandbox/phone`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');

    await page.getByTestId('wa-id').fill(customer);
    await page.getByTestId('number').selectOption(pnid);
    await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
    await expect.poll(() => page.url()).toContain(`phone_number_id=${pnid}`);

    // Text: the bubble shows, its ticks move on once the webhook is delivered.
    await page.getByTestId('text').fill('hi');
    await page.getByTestId('send').click();
    const hi = chat(page).locator('[data-testid=message][data-direction=out][data-type=text]').filter({ hasText: 'hi' });
    await hi.waitFor();
    await expect.poll(() => hi.getAttribute('data-status'), { timeout: 15_000 }).toMatch(/^(delivered|read)$/);
    await expect(hi.getByTestId('ticks').getAttribute('data-status')).resolves.toMatch(/^(delivered|read)$/);

    // The catalog: escaped names, +/− quantities, the cart sent as an order message.
    await page.getByTestId('open-catalog').click();
    await page.getByTestId('catalog').waitFor();
    expect(await page.getByTestId('catalog').textContent()).toContain('<img src=x onerror=alert(1)> Tea');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    for (let i = 0; i < 3; i++) await page.getByTestId('plus-masala-chai').click();
    await page.getByTestId('minus-masala-chai').click();
    await expect(page.getByTestId('qty-masala-chai').textContent()).resolves.toBe('2');
    await expect(page.getByTestId('send-cart').textContent()).resolves.toContain('INR 498.00');
    await page.getByTestId('send-cart').click();
    await page.getByTestId('catalog').waitFor({ state: 'hidden' });
    const cart = chat(page).getByTestId('cart');
    await cart.waitFor();
    expect(await cart.textContent()).toContain('Masala chai (250 g) × 2');

    // The bill: a cta_url card with the total and a Pay now link to our hosted checkout.
    const bill = chat(page).getByTestId('bill');
    await bill.waitFor({ timeout: 20_000 });
    expect(await bill.textContent()).toContain('Total ₹498.00');
    const payNow = bill.getByTestId('pay-now');
    await expect(payNow.textContent()).resolves.toContain('Pay now');
    const href = (await payNow.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^${s.base}/pay/[A-Za-z0-9_-]+$`));
    await page.screenshot({ path: screenshotPath('phone-bill') });

    // Paying: a new tab, our checkout, the sandbox PSP, back to our page.
    const [checkout] = await Promise.all([page.waitForEvent('popup'), payNow.click()]);
    watch(checkout);
    await checkout.waitForURL(href);
    await expect(checkout.getByTestId('total').textContent()).resolves.toBe('₹498.00');
    await checkout.getByTestId('pay').click();
    await checkout.waitForURL(/\/sandbox\/psp\/pay\//);
    await checkout.getByTestId('pay-success').click();
    await checkout.waitForURL(href);
    await checkout.close();

    // Back on the phone: the payment update arrives by itself.
    await page.bringToFront();
    const paid = chat(page).locator('[data-testid=message][data-direction=in]').filter({ hasText: 'Payment of ₹498.00 received' });
    await paid.waitFor({ timeout: 20_000 });

    const order = (await s.api(`/v1/orders?wa_id=${customer}`)).body.data[0];
    expect(order.payment_status).toBe('paid');
    const shipped = await s.api(`/v1/orders/${order.id}/status`, { body: { status: 'shipped', description: 'Courier #123' } });
    expect(shipped.status).toBe(200);
    await chat(page).getByText('is on its way').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(300);
    const file = screenshotPath('phone-paid');
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);

    // A reload (or coming back from another page) keeps the chat chosen.
    await page.reload();
    await chat(page).getByText('is on its way').waitFor();
    expect(problems).toEqual([]);
  });

  it('shows a WhatsApp Pay bill as an order card and pays it in the chat', async () => {
    const buyer = '919800011122';
    const patched = await s.api('/v1/settings/whatsapp', {
      method: 'PATCH',
      body: { payment_configurations: [{ name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' }] },
    });
    expect(patched.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    await page.goto(`${s.base}/sandbox/phone?wa_id=${buyer}&phone_number_id=${pnid}`);
    await expect.poll(() => page.getByTestId('wa-id').inputValue()).toBe(buyer);
    await page.getByTestId('open-catalog').click();
    await page.getByTestId('plus-filter-coffee').click();
    await page.screenshot({ path: screenshotPath('phone-catalog') });
    await page.getByTestId('close-catalog').click();
    await page.getByTestId('text').fill('hello');
    await page.getByTestId('text').press('Enter');
    await chat(page).locator('[data-testid=message][data-direction=out]').filter({ hasText: 'hello' }).waitFor();

    const created = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: buyer },
        currency: 'INR',
        items: [{ retailer_id: 'filter-coffee', quantity: 1 }],
        tax: { amount: 1000, description: 'GST' },
        payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
      },
    });
    expect(created.status).toBe(201);
    const card = chat(page).getByTestId('order-card');
    await card.waitFor({ timeout: 20_000 });
    await expect(card.getByTestId('order-total').textContent()).resolves.toBe('INR 459.00');
    await expect(card.getByTestId('order-subtotal').textContent()).resolves.toBe('INR 449.00');
    expect(await card.textContent()).toContain(created.body.reference_id);
    expect(await card.textContent()).toContain('GST');
    await expect(card.getByTestId('order-payment').textContent()).resolves.toBe('Not paid yet');
    await card.getByTestId('review-pay').click();
    await expect.poll(() => card.getByTestId('order-payment').textContent(), { timeout: 20_000 }).toBe('Paid');
    await card.getByTestId('order-update').filter({ hasText: 'Processing' }).waitFor({ timeout: 20_000 });
    await chat(page).locator('[data-testid=order-status][data-status=processing]').waitFor();
    await expect(card.getByTestId('review-pay').count()).resolves.toBe(0);
    await expect.poll(async () => (await s.api(`/v1/orders/${created.body.id}`)).body.payment_status).toBe('paid');
    await page.screenshot({ path: screenshotPath('phone-order') });
    expect(problems).toEqual([]);
  });

  it('shows a message the shop could not deliver as failed', async () => {
    const buyer = '919800033344';
    const token = (await s.api('/v1/settings/whatsapp')).body.sandbox_access_token;
    const chaos = (body: unknown) =>
      fetch(`${s.base}/sandbox/graph/chaos/${pnid}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    await page.goto(`${s.base}/sandbox/phone?wa_id=${buyer}&phone_number_id=${pnid}`);
    await page.getByTestId('text').fill('<b>bold?</b>');
    await page.getByTestId('send').click();
    await chat(page).getByText('<b>bold?</b>').waitFor();
    expect(await chat(page).locator('b').count()).toBe(0);
    expect((await chaos({ undeliverable: 1 })).status).toBe(200);
    try {
      expect(
        (
          await s.api('/v1/orders', {
            body: { customer: { wa_id: buyer }, currency: 'INR', items: [{ retailer_id: 'masala-chai', quantity: 1 }], payment: { method: 'payment_link' } },
          })
        ).status,
      ).toBe(201);
      const failed = chat(page).locator('[data-testid=message][data-status=failed]');
      await failed.waitFor({ timeout: 20_000 });
      expect(await failed.getByTestId('failed').textContent()).toMatch(/^Not delivered \(131026\)/);
      await expect(failed.getByTestId('ticks').getAttribute('data-status')).resolves.toBe('failed');
      await page.screenshot({ path: screenshotPath('phone-failed') });
    } finally {
      await chaos({});
    }
    expect(problems).toEqual([]);
  });

  it('is linked from the start page', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.base}/`);
    await page.getByTestId('phone-link').click();
    await page.waitForURL(/\/sandbox\/phone/);
    await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
  });
});
