// A WhatsApp Flow in the simulated phone, in a real browser with background workers on
// the real clock: the customer types the merchant's keyword, the flow message arrives,
// its button opens the Flow view, each screen of flows/order-food.flow.json is rendered
// from our endpoint's answers (the sandbox encrypts, signs and decrypts as WhatsApp
// does), and placing the order sends the nfm_reply and brings the bill into the chat.
import fs from 'node:fs';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, untilWindowOpen, useBrowserServer } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const problems: string[] = [];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  expect((await s.api('/v1/flows/keys', { body: {} })).status).toBe(201);
  await s.ctx.db.query(`update products set category = 'Drinks' where merchant_id = $1 and retailer_id in ('masala-chai', 'filter-coffee')`, [s.merchantId]);
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
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
}

const chat = (page: Page) => page.getByTestId('chat');

async function openChat(customer: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
  watch(page);
  await page.goto(`${s.base}/sandbox/phone?wa_id=${customer}&phone_number_id=${pnid}`);
  await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
  return page;
}

/** The screen the Flow view shows, once it settles on `id`. */
async function onScreen(page: Page, id: string) {
  await expect.poll(() => page.getByTestId('flow').getAttribute('data-screen'), { timeout: 15_000 }).toBe(id);
}

describe('flows in the sandbox phone', () => {
  it('orders food through the flow and gets the bill', async () => {
    const customer = '919811100011';
    const page = await openChat(customer);
    // The merchant's keyword: the customer types it, the flow message comes back.
    expect((await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food' } })).status).toBe(200);
    await page.getByTestId('text').fill('Menu');
    await page.getByTestId('send').click();
    await chat(page).locator('[data-testid=message][data-direction=out]').filter({ hasText: 'Menu' }).waitFor();
    const flowMsg = chat(page).getByTestId('flow-message');
    await flowMsg.waitFor({ timeout: 20_000 });
    expect(await flowMsg.textContent()).toContain('Browse our menu');
    await flowMsg.getByTestId('flow-open').click();

    // MENU: categories from the catalog in a dropdown.
    const flow = page.getByTestId('flow');
    await onScreen(page, 'MENU');
    await expect(page.getByTestId('flow-title').textContent()).resolves.toBe('Menu');
    const drinks = page.getByTestId('flow-field-category').locator('option', { hasText: 'Drinks' });
    await page.getByTestId('flow-field-category').selectOption((await drinks.getAttribute('value')) as string);
    await page.getByTestId('flow-footer').click();

    // ITEMS: a dish and a quantity; a price typed by nobody, read from the catalog.
    await onScreen(page, 'ITEMS');
    expect(await flow.textContent()).toContain('₹249.00');
    await page.getByTestId('flow-field-item').selectOption('masala-chai');
    await page.getByTestId('flow-field-quantity').selectOption('2');
    await page.getByTestId('flow-footer').click();

    // CART: the live total; back to add a coffee, then remove it again.
    await onScreen(page, 'CART');
    expect(await flow.textContent()).toContain('Total: ₹498.00');
    await page.getByTestId('flow-back').click();
    await onScreen(page, 'ITEMS');
    await page.getByTestId('flow-field-item').selectOption('filter-coffee');
    await page.getByTestId('flow-footer').click();
    await onScreen(page, 'CART');
    expect(await flow.textContent()).toContain('Total: ₹947.00');
    await page.getByTestId('flow-field-remove').locator('input[value=filter-coffee]').check();
    await page.getByTestId('flow-footer').click();
    await expect.poll(() => flow.textContent()).toContain('Total: ₹498.00');
    await expect(page.getByTestId('flow-error').textContent()).resolves.toBe('Removed 1 dish.');
    await page.getByTestId('flow-footer').click();

    // ADDRESS: a required field left empty is refused in the page; then filled.
    await onScreen(page, 'ADDRESS');
    await expect(page.getByTestId('flow-field-country_code').inputValue()).resolves.toBe('IN');
    await page.getByTestId('flow-field-name').fill('Asha Rao');
    await page.getByTestId('flow-footer').click();
    await onScreen(page, 'ADDRESS');
    await page.getByTestId('flow-field-address_line1').fill('12 MG Road');
    await page.getByTestId('flow-field-city').fill('Bengaluru');
    await page.getByTestId('flow-field-postal_code').fill('560001');
    await page.getByTestId('flow-footer').click();

    await onScreen(page, 'CONFIRM');
    expect(await flow.textContent()).toContain('Bengaluru 560001');
    expect(await flow.textContent()).toContain('Total: ₹498.00');
    await page.screenshot({ path: screenshotPath('phone-flow-confirm') });
    await page.getByTestId('flow-footer').click();

    // Done: the view closes, the "Sent" reply shows, the bill arrives.
    await flow.waitFor({ state: 'hidden', timeout: 15_000 });
    await chat(page).locator('[data-testid=message][data-direction=out]').filter({ hasText: 'Form sent' }).waitFor({ timeout: 15_000 });
    const bill = chat(page).getByTestId('bill');
    await bill.waitFor({ timeout: 20_000 });
    expect(await bill.textContent()).toContain('Total ₹498.00');
    const file = screenshotPath('phone-flow-bill');
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);

    const tokens = await s.ctx.db.query<{ token: string; status: string }>(`select token, status from flow_tokens where wa_id = $1`, [customer]);
    expect(tokens).toEqual([{ token: expect.stringMatching(/^flt_/), status: 'completed' }]);
    const orders = await s.ctx.db.query<{ total: number }>(`select total from orders where flow_token = $1`, [tokens[0]!.token]);
    expect(orders).toEqual([{ total: 49_800 }]);

    // Opening the finished flow again: WhatsApp's "no longer available".
    await flowMsg.getByTestId('flow-open').click();
    await expect(page.getByTestId('flow-closed').textContent()).resolves.toBe('This form has already been submitted.');
    await page.getByTestId('flow-close').click();
    expect(problems).toEqual([]);
  });

  it('the booking flow with no services says so and offers nothing to tap', async () => {
    const customer = '919811100033';
    const page = await openChat(customer);
    await page.getByTestId('text').fill('Can I book something?');
    await page.getByTestId('send').click();
    await chat(page).locator('[data-testid=message][data-direction=out]').filter({ hasText: 'book something' }).waitFor();
    await untilWindowOpen(s, customer);
    expect((await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'book_appointment' } })).status).toBe(201);
    const flowMsg = chat(page).getByTestId('flow-message');
    await flowMsg.waitFor({ timeout: 20_000 });
    await flowMsg.getByTestId('flow-open').click();
    await onScreen(page, 'SERVICE');
    await expect.poll(() => page.getByTestId('flow').textContent()).toContain('Nothing can be booked right now.');
    expect(await page.getByTestId('flow-field-service').count()).toBe(0);
    expect(await page.getByTestId('flow-footer').isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('phone-flow-booking-no-services') });
    await page.close();
  });

  it('books an appointment: service, a date picker with closed days, details, a time, the deposit bill', async () => {
    const customer = '919811100022';
    const zone = 'Asia/Kolkata';
    expect((await s.api('/v1/settings/booking', { method: 'PATCH', body: { time_zone: zone } })).status).toBe(200);
    const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['10:00', '13:00']]]));
    const svc = await s.api('/v1/booking-services', {
      body: { name: 'Haircut', duration_minutes: 60, deposit: 20_000, currency: 'INR', weekly_hours: weekdays },
    });
    expect(svc.status, JSON.stringify(svc.body)).toBe(201);
    const page = await openChat(customer);
    await page.getByTestId('text').fill('Can I book a haircut?');
    await page.getByTestId('send').click();
    await chat(page).locator('[data-testid=message][data-direction=out]').filter({ hasText: 'haircut' }).waitFor();
    await untilWindowOpen(s, customer);
    expect((await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'book_appointment' } })).status).toBe(201);
    const flowMsg = chat(page).getByTestId('flow-message');
    await flowMsg.waitFor({ timeout: 20_000 });
    await flowMsg.getByTestId('flow-open').click();

    await onScreen(page, 'SERVICE');
    await page.getByTestId('flow-field-service').selectOption(svc.body.id);
    await page.getByTestId('flow-footer').click();

    // DATE: a plain <input type=date> bounded by min/max; a closed day (Sunday) is refused in the page.
    await onScreen(page, 'DATE');
    const date = page.getByTestId('flow-field-date');
    const today = DateTime.now().setZone(zone);
    await expect(date.getAttribute('min')).resolves.toBe(today.toISODate());
    await expect(date.getAttribute('max')).resolves.toBe(today.plus({ days: 13 }).toISODate());
    const sunday = Array.from({ length: 13 }, (_, i) => today.plus({ days: i + 1 }))
      .find((d) => d.weekday === 7)!
      .toISODate()!;
    await date.fill(sunday);
    await page.getByTestId('flow-footer').click();
    await expect(date.evaluate((n: HTMLInputElement) => n.validationMessage)).resolves.toBe('This date is not available.');
    await page.screenshot({ path: screenshotPath('phone-flow-booking-date') });
    const open = Array.from({ length: 13 }, (_, i) => today.plus({ days: i + 1 })).find((d) => d.weekday !== 7)!;
    await date.fill(open.toISODate()!);
    await page.getByTestId('flow-footer').click();

    await onScreen(page, 'DETAILS');
    expect(await page.getByTestId('flow').textContent()).toContain('Haircut');
    await page.getByTestId('flow-field-name').fill('Asha Rao');
    await page.getByTestId('flow-field-note').fill('Short on the sides');
    await page.getByTestId('flow-footer').click();

    await onScreen(page, 'SLOT');
    const times = await page.getByTestId('flow-field-slot').locator('option:not([disabled])').allTextContents();
    expect(times.map((t) => t.split(' · ')[0])).toEqual(['10:00', '11:00', '12:00']);
    expect(await page.getByTestId('flow').textContent()).toContain('₹200.00');
    await page.getByTestId('flow-field-slot').selectOption({ index: 2 });
    await page.screenshot({ path: screenshotPath('phone-flow-booking-slot') });
    await page.getByTestId('flow-footer').click();

    await page.getByTestId('flow').waitFor({ state: 'hidden', timeout: 15_000 });
    const bill = chat(page).getByTestId('bill');
    await bill.waitFor({ timeout: 20_000 });
    expect(await bill.textContent()).toContain('₹200.00');
    await page.screenshot({ path: screenshotPath('phone-flow-booking-bill') });
    const bookings = await s.ctx.db.query<{ status: string; starts_at: Date }>(`select status, starts_at from bookings where service_id = $1`, [svc.body.id]);
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.status).toBe('held');
    expect(DateTime.fromJSDate(bookings[0]!.starts_at, { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe(`${open.toISODate()} 11:00`);

    // Paying the deposit confirms the appointment in the chat: the service, the time in the
    // business's zone and the business, not "we are preparing it".
    const payNow = bill.getByTestId('pay-now');
    const href = (await payNow.getAttribute('href'))!;
    const [checkout] = await Promise.all([page.waitForEvent('popup'), payNow.click()]);
    await checkout.waitForURL(href);
    await checkout.getByTestId('pay').click();
    await checkout.waitForURL(/\/sandbox\/psp\/pay\//);
    await checkout.getByTestId('pay-success').click();
    await checkout.waitForURL(href);
    await checkout.close();
    await page.bringToFront();
    const confirmed = chat(page).locator('[data-testid=message][data-direction=in]').filter({ hasText: 'is confirmed for' });
    await confirmed.waitFor({ timeout: 30_000 });
    const text = (await confirmed.textContent()) ?? '';
    expect(text).toContain('11:00');
    expect(text).not.toContain('preparing');
    await page.screenshot({ path: screenshotPath('phone-flow-booking-confirmed') });
    expect(problems).toEqual([]);
  });
});
