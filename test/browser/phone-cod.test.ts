// Cash on delivery in the simulated phone, in a real browser with workers on the real clock:
// the COD bill's Confirm / Cancel reply buttons inside the window, the cod template's quick
// replies for a customer who never wrote (outside it); a tap confirms the order.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer } from '../support/browser.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const problems: string[] = [];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  const r = await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { templates: { cod: { name: 'cod_confirmation', language: 'en_US' } } } });
  expect(r.status).toBe(200);
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

async function openPhone(wa: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
  watch(page);
  await page.goto(`${s.base}/sandbox/phone`);
  await page.getByTestId('wa-id').fill(wa);
  await page.getByTestId('number').selectOption(pnid);
  // Leaving the number field reloads the chat (its change event): leave it now, not in the middle of a tap.
  await page.getByTestId('wa-id').blur();
  await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
  return page;
}

const codOrder = async (wa: string) => {
  const r = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Ravi' }, payment: { method: 'cash_on_delivery' } }) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
/** The phone redraws the chat when a status moves (delivered → read): a click during a redraw is lost, so wait for read. */
const settled = (bubble: ReturnType<Page['locator']>) => expect.poll(() => bubble.getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
const orderStatus = async (id: string) => (await s.api(`/v1/orders/${id}`)).body.status;

describe('cash on delivery in the phone', () => {
  it('shows the bill with Confirm / Cancel and confirms the order on a tap', async () => {
    const wa = '919811112222';
    const page = await openPhone(wa);
    await page.getByTestId('text').fill('Hi, can I pay cash on delivery?');
    await page.getByTestId('send').click();
    // Our side has read the message (the window is open) before the order is made.
    await expect.poll(async () => (await s.api('/v1/conversations')).body.data?.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    const order = await codOrder(wa);
    const bill = page.locator('[data-testid=message][data-direction=in][data-type=interactive]').filter({ hasText: 'cash on delivery' });
    await bill.waitFor({ timeout: 20_000 });
    const text = (await bill.textContent()) ?? '';
    expect(text).toContain(`Order ${order.reference_id}`);
    expect(text).toContain('₹');
    expect(text).not.toContain(order.id);
    expect(await bill.getByTestId('reply-button').allTextContents()).toEqual(['Confirm order', 'Cancel order']);
    await page.screenshot({ path: screenshotPath('phone-cod-bill') });

    await settled(bill);
    await bill.getByTestId('reply-button').first().click();
    await page.locator('[data-testid=message][data-direction=out]').filter({ hasText: 'Confirm order' }).waitFor();
    await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe('processing');
    await page.locator('[data-testid=message][data-direction=in]').filter({ hasText: 'is confirmed' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('phone-cod-confirmed') });
    await page.close();
  });

  it('outside the window: the cod template with quick replies, confirmed by a tap', async () => {
    const wa = '919811113333';
    const order = await codOrder(wa);
    const page = await openPhone(wa);
    const bill = page.locator('[data-testid=message][data-direction=in][data-type=template]');
    await bill.waitFor({ timeout: 20_000 });
    expect(await bill.textContent()).toContain(order.reference_id);
    expect(await bill.getByTestId('quick-reply').allTextContents()).toEqual(['Confirm order', 'Cancel order']);
    await page.screenshot({ path: screenshotPath('phone-cod-template') });
    await settled(bill);
    await bill.getByTestId('quick-reply').first().click();
    await expect.poll(() => orderStatus(order.id), { timeout: 20_000 }).toBe('processing');
    await page.locator('[data-testid=message][data-direction=in]').filter({ hasText: 'is confirmed' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('phone-cod-template-confirmed') });
    await page.close();
    expect(problems).toEqual([]);
  });
});
