// Addresses for physical goods in a real browser. The simulated phone: a cart with the
// demo's brass tumbler (physical goods) gets WhatsApp's address message before the bill;
// the customer fills the form (a wrong PIN first: the form comes back with the shop's
// error under the field), sends it, and the order_details bill arrives. The pay page: a
// physical-goods payment link asks for the address (errors as clear messages) before Pay.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const problems: string[] = [];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  const patched = await s.api('/v1/settings/whatsapp', {
    method: 'PATCH',
    body: {
      payment_configurations: [{ name: 'chatcart-sandbox', type: 'payment_gateway', provider: 'razorpay' }],
      default_payment: { method: 'whatsapp_gateway', provider: 'sandbox' },
    },
  });
  expect(patched.status).toBe(200);
  pnid = patched.body.phone_number_id;
});
beforeAll(() => {
  browser = h.browser;
});

function watch(page: Page) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
}

describe('addresses for physical goods', () => {
  it('the simulated phone: address message, form, a refused PIN, then the physical-goods bill', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    await page.goto(`${s.base}/sandbox/phone`);
    await page.getByTestId('wa-id').fill('919876500011');
    await page.getByTestId('number').selectOption(pnid);
    await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');

    await page.getByTestId('open-catalog').click();
    await page.getByTestId('plus-brass-tumbler').click();
    await page.getByTestId('send-cart').click();
    await page.getByTestId('catalog').waitFor({ state: 'hidden' });

    const ask = page.getByTestId('chat').getByTestId('address-message');
    await ask.waitFor({ timeout: 20_000 });
    expect(await ask.textContent()).toContain('Where should we deliver it?');
    expect(await page.getByTestId('chat').getByTestId('order-card').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('phone-address-message') });

    await ask.getByTestId('address-open').click();
    const sheet = page.getByTestId('address-sheet');
    await sheet.waitFor();
    await expect(page.getByTestId('address-phone_number').inputValue()).resolves.toBe('+919876500011');
    await page.getByTestId('address-name').fill('Asha Rao');
    await page.getByTestId('address-in_pin_code').fill('0123');
    await page.getByTestId('address-house_number').fill('4B');
    await page.getByTestId('address-address').fill('12 MG Road');
    await page.getByTestId('address-city').fill('Bengaluru');
    await page.getByTestId('address-state').fill('Karnataka');
    await page.screenshot({ path: screenshotPath('phone-address-form') });
    await page.getByTestId('address-send').click();
    await sheet.waitFor({ state: 'hidden' });
    await page.getByTestId('chat').getByTestId('address-sent').first().waitFor();

    // The shop refuses the PIN: the form comes again, prefilled, the error under the field.
    await expect.poll(() => page.getByTestId('chat').getByTestId('address-message').count(), { timeout: 20_000 }).toBe(2);
    const again = page.getByTestId('chat').getByTestId('address-message').last();
    expect(await again.getByTestId('address-message-errors').textContent()).toContain('Enter the 6-digit PIN code');
    await again.getByTestId('address-open').click();
    await expect(page.getByTestId('address-name').inputValue()).resolves.toBe('Asha Rao');
    await expect(page.getByTestId('address-error-in_pin_code').textContent()).resolves.toBe('Enter the 6-digit PIN code');
    await page.screenshot({ path: screenshotPath('phone-address-form-error') });
    await page.getByTestId('address-in_pin_code').fill('560001');
    await page.getByTestId('address-send').click();
    await sheet.waitFor({ state: 'hidden' });

    // The bill: order_details, physical goods, after the thank-you naming the address.
    const bill = page.getByTestId('chat').getByTestId('order-card');
    await bill.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('chat').textContent()).toContain('We will deliver to: Asha Rao, Flat 4B, 12 MG Road, Bengaluru, Karnataka 560001, IN');
    expect(await bill.textContent()).toContain('Brass tumbler and davara');
    await bill.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('phone-address-then-bill') });
    const [order] = (await s.api('/v1/orders?wa_id=919876500011')).body.data;
    expect(order).toMatchObject({ goods_type: 'physical-goods', shipping_address: { postal_code: '560001', city: 'Bengaluru' } });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the pay page: the address form, clear errors, then Pay', async () => {
    const order = (
      await s.api('/v1/orders', {
        body: {
          customer: { wa_id: '919876500022', name: 'Ravi' },
          currency: 'INR',
          items: [{ retailer_id: 'brass-tumbler', quantity: 1 }],
          goods_type: 'physical-goods',
          payment: { method: 'payment_link', provider: 'sandbox' },
          send: false,
        },
      })
    ).body;
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    watch(page);
    await page.goto(order.payment.url);
    await page.getByTestId('address-form').waitFor();
    expect(await page.getByTestId('pay').count()).toBe(0);
    await expect(page.getByTestId('address-name').inputValue()).resolves.toBe('Ravi');
    await expect(page.getByTestId('address-country_code').inputValue()).resolves.toBe('IN');
    await page.screenshot({ path: screenshotPath('pay-address-form'), fullPage: true });

    await page.getByTestId('address-address_line1').fill('<b>12</b> MG Road');
    await page.getByTestId('address-postal_code').fill('12');
    await page.getByTestId('address-submit').click();
    await page.getByTestId('address-errors').waitFor();
    await expect(page.getByTestId('error-postal_code').textContent()).resolves.toBe('Enter the 6-digit PIN code');
    await expect(page.getByTestId('error-city').textContent()).resolves.toBe('Enter the city');
    await expect(page.getByTestId('address-address_line1').inputValue()).resolves.toBe('<b>12</b> MG Road');
    expect(await page.locator('form b').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('pay-address-errors'), fullPage: true });

    await page.getByTestId('address-postal_code').fill('560001');
    await page.getByTestId('address-city').fill('Bengaluru');
    await page.getByTestId('address-state').fill('Karnataka');
    await page.getByTestId('address-submit').click();
    await page.getByTestId('pay').waitFor();
    expect(await page.getByTestId('ship-to').textContent()).toBe('Delivering to Ravi, <b>12</b> MG Road, Bengaluru, Karnataka 560001, IN');
    await page.screenshot({ path: screenshotPath('pay-address-then-pay'), fullPage: true });
    await page.getByTestId('pay').click();
    await page.waitForURL(/\/sandbox\/psp\/pay\//);
    // The refused form answers 400 on purpose (a browser logs it); nothing else may fail.
    expect(problems.filter((p) => !/status of 400 .*\/address\)$/.test(p))).toEqual([]);
    await page.close();
  });
});
