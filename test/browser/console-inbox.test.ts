// The console's inbox in a browser, with background workers on the real clock: the
// conversation list (unread badges, views), a thread where a message typed on the simulated
// phone arrives live (through GET /v1/stream: the inbox does not poll), a reply that reaches
// the phone with its ticks, an internal note set apart, the customer's panel, the composer
// outside the 24-hour window (only a template or a bill, and why), at 1280 px and 360 px,
// with screenshots in test-results/screenshots/inbox-*.png and axe-core.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer, until } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, expectAccessible, PHONE } from '../support/console.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let owner: Page;
let ownerErrors: string[];
let pnid: string;
const ASHA = '919811100001';
const RAVI = '919811100002';
const MEERA = '919811100003';

async function says(wa: string, text: string, name: string) {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: text }, name }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

const conversationOf = async (wa: string) => ((await s.api('/v1/conversations?limit=100')).body.data as any[]).find((c) => c.customer.wa_id === wa);

/**
 * The customer writes, and the shop has it before the next message: WhatsApp stamps messages in
 * whole seconds and its webhooks may arrive out of order (the sandbox delivers with concurrent
 * workers), so two messages written in the same second and delivered in reverse cannot be told apart.
 */
async function saysAndArrives(wa: string, text: string, name: string) {
  await says(wa, text, name);
  await until(async () => (await conversationOf(wa))?.last_message?.preview === text, `"${text}" in the inbox`);
}

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  await saysAndArrives(RAVI, 'Do you deliver to Indiranagar?', 'Ravi');
  await saysAndArrives(ASHA, 'Is masala chai in stock?', 'Asha');
  await saysAndArrives(ASHA, 'And cardamom?', 'Asha');
  // Meera never wrote: a bill went to her number, so her window is closed.
  const o = await s.api('/v1/orders', {
    body: {
      customer: { wa_id: MEERA, name: 'Meera' },
      currency: 'INR',
      items: [{ retailer_id: 'masala-chai', quantity: 1 }],
      payment: { method: 'payment_link' },
    },
  });
  expect(o.status).toBe(201);
  await until(async () => !!(await conversationOf(ASHA)) && !!(await conversationOf(RAVI)) && !!(await conversationOf(MEERA)), 'the conversations');
});

beforeAll(async () => {
  browser = h.browser;
  ({ page: owner, errors: ownerErrors } = await consolePage(browser));
  await acceptLinkInBrowser(owner, s.demo!.consoleLink);
});

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`inbox-${name}`), fullPage: true });
const thread = (page: Page) => page.getByTestId('thread');

describe('console inbox', () => {
  it('lists conversations newest first with unread badges, and a message from the phone arrives live in the thread', async () => {
    await owner.getByRole('link', { name: 'Inbox' }).click();
    await owner.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    const items = owner.getByTestId('conversation');
    await until(async () => (await items.count()) >= 3, 'the list');
    const names = await items.locator('.cv-name').allTextContents();
    expect(names.indexOf('Meera')).toBeLessThan(names.indexOf('Asha'));
    expect(names.indexOf('Asha')).toBeLessThan(names.indexOf('Ravi'));
    const asha = items.filter({ hasText: 'Asha' });
    await expect(asha.locator('.unread').textContent()).resolves.toContain('2');
    expect(await asha.textContent()).toContain('And cardamom?');
    await shot(owner, 'list-1280');
    await expectAccessible(owner, 'inbox list');

    await asha.click();
    await thread(owner).getByText('Is masala chai in stock?').waitFor();
    await thread(owner).getByText('And cardamom?').waitFor();
    // Opened: read (and the read receipt goes to the phone).
    await until(async () => (await conversationOf(ASHA)).unread_count === 0, 'mark read');
    await until(async () => (await asha.locator('.unread').count()) === 0, 'the badge to go');
    await expect(thread(owner).getByTestId('window').textContent()).resolves.toMatch(/Reply window open until/);
    await expect(owner.getByTestId('customer-panel').textContent()).resolves.toContain('+919811100001');

    // The customer types on the simulated phone; the open thread shows it without a reload.
    const phone = await browser.newPage({ viewport: { width: 400, height: 860 } });
    await phone.goto(`${s.base}/sandbox/phone?wa_id=${ASHA}&phone_number_id=${pnid}`);
    await expect.poll(() => phone.getByTestId('wa-id').inputValue()).toBe(ASHA);
    const before = owner.url();
    await phone.getByTestId('text').fill('Can it come today before 6?');
    await phone.getByTestId('text').press('Enter');
    await thread(owner).getByTestId('message-in').filter({ hasText: 'Can it come today before 6?' }).waitFor({ timeout: 30_000 });
    expect(owner.url()).toBe(before);

    // The reply reaches the phone; its ticks move on in the console.
    await owner.getByLabel('Message', { exact: true }).fill('Yes, it leaves at 4 pm.');
    await owner.getByTestId('send').click();
    const out = thread(owner).getByTestId('message-out').filter({ hasText: 'Yes, it leaves at 4 pm.' });
    await out.waitFor();
    await phone.getByTestId('chat').getByText('Yes, it leaves at 4 pm.').waitFor({ timeout: 30_000 });
    await until(async () => ['delivered', 'read'].includes((await out.getAttribute('data-status')) ?? ''), 'the delivered tick');

    // An internal note: set apart, never sent.
    await owner.getByLabel('Internal note').check();
    await owner.getByLabel(/Note for your team/).fill('Check the 4 pm van has cardamom.');
    await owner.getByRole('button', { name: 'Add note' }).click();
    await thread(owner).getByTestId('note').filter({ hasText: 'Check the 4 pm van has cardamom.' }).waitFor();
    await owner.getByLabel('Reply').check();
    await shot(owner, 'thread-1280');
    await shot(phone, 'phone-reply');
    await expectAccessible(owner, 'inbox thread');
    const phoneText = await phone.getByTestId('chat').textContent();
    expect(phoneText).not.toContain('Check the 4 pm van');

    // Assign to me, close, reopen.
    await thread(owner).getByRole('button', { name: 'Assign to me' }).click();
    await thread(owner).getByText('Assigned to you').waitFor();
    await thread(owner).getByRole('button', { name: 'Close' }).click();
    await thread(owner).getByRole('button', { name: 'Reopen' }).waitFor();
    await thread(owner).getByRole('button', { name: 'Reopen' }).click();
    await thread(owner).getByRole('button', { name: 'Close' }).waitFor();
    await phone.close();
  });

  it('shows a picture the customer sent in the thread, fetched through the API with the session, and a file as a download', async () => {
    const wa = '919844444444';
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const sends = async (type: string, value: unknown) => {
      const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone_number_id: pnid, type, [type]: value, name: 'Kiran' }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
    };
    await sends('image', { data: png, caption: 'This colour?' });
    await sends('document', { data: Buffer.from('<html><script>alert(1)</script></html>').toString('base64'), mime_type: 'text/html', filename: 'quote.html' });
    await until(async () => {
      const c = ((await s.api('/v1/conversations?limit=100')).body.data as any[]).find((x) => x.customer.wa_id === wa);
      if (!c) return false;
      const msgs = (await s.api(`/v1/conversations/${c.id}/messages`)).body.data as any[];
      return msgs.filter((m) => m.media?.status === 'stored').length === 2;
    }, 'both files fetched from WhatsApp');
    await owner.goto(`${s.base}/console/inbox`);
    await owner.getByTestId('conversation').filter({ hasText: 'Kiran' }).click();
    const img = thread(owner).getByRole('img', { name: 'image the customer sent' });
    await img.waitFor();
    await until(async () => (await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)) === 1, 'the picture to load through the API');
    const download = thread(owner).getByRole('link', { name: /Download the document/ });
    await download.waitFor();
    expect(await download.getAttribute('download')).not.toBeNull();
    await shot(owner, 'thread-media-1280');
    await expectAccessible(owner, 'inbox thread with media');
  });

  it('outside the 24-hour window offers only a template or a bill, and says why', async () => {
    await owner.goto(`${s.base}/console/inbox`);
    await owner.getByTestId('conversation').filter({ hasText: 'Meera' }).click();
    await thread(owner).getByTestId('window-closed').waitFor();
    await expect(thread(owner).getByTestId('window-closed').textContent()).resolves.toMatch(/only an approved template or a bill/);
    expect(await owner.getByLabel('Message', { exact: true }).count()).toBe(0);
    await expect(owner.getByLabel('Bill for an order').locator('option').count()).resolves.toBeGreaterThan(1);
    // The template suggestions are the approved templates from GET /v1/templates.
    await owner.locator('#tpl-known option[value="hello_world"]').first().waitFor({ state: 'attached' });
    await shot(owner, 'window-closed-1280');
    await expectAccessible(owner, 'inbox outside the window');
    await owner.getByLabel('Template').fill('hello_world');
    await owner.getByLabel('Language').fill('en_US');
    await owner.getByRole('button', { name: 'Send template' }).click();
    await thread(owner).getByTestId('message-out').filter({ hasText: 'hello_world' }).waitFor();
  });

  it('is two screens on a phone', async () => {
    const { context, page, errors } = await consolePage(browser, PHONE);
    await context.addCookies(await owner.context().cookies()); // the same signed-in owner, on a phone
    await page.goto(`${s.base}/console/inbox`);
    await page.getByTestId('conversation').first().waitFor();
    await shot(page, 'list-360');
    await expectAccessible(page, 'inbox list at 360 px');
    await page.getByTestId('conversation').filter({ hasText: 'Asha' }).click();
    await thread(page).getByText('Can it come today before 6?').waitFor();
    expect(await page.getByTestId('conversations').isVisible()).toBe(false);
    await shot(page, 'thread-360');
    await expectAccessible(page, 'inbox thread at 360 px');
    await page.getByRole('link', { name: '← Conversations' }).click();
    await page.getByTestId('conversations').waitFor();
    expect(errors).toEqual([]);
    expect(ownerErrors).toEqual([]);
  });
});
