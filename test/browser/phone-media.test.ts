// Media from the simulated phone, in a real browser: the customer attaches a photo (the
// paperclip), it shows in the chat, and the merchant's API has it fetched, verified and stored.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer, watchPage } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const customer = '919812340077';
const problems: string[] = [];
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
beforeAll(() => {
  browser = h.browser;
});

const watch = (page: Page) => watchPage(page, problems);

describe('sandbox phone: media', () => {
  it('sends a photo with a caption; the merchant gets it stored', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    await page.goto(`${s.base}/sandbox/phone`);
    await page.getByTestId('wa-id').fill(customer);
    await page.getByTestId('number').selectOption(pnid);
    await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
    await page.getByTestId('text').fill('Is this the one?');
    await page.getByTestId('file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-testid=message][data-type=image]').filter({ hasText: 'Is this the one?' }).waitFor();
    await page.screenshot({ path: screenshotPath('phone-media') });
    await expect
      .poll(
        async () => {
          const r = await s.api(`/v1/messages?wa_id=${customer}`);
          return r.body.data?.find((m: any) => m.type === 'image')?.media?.status;
        },
        { timeout: 20_000 },
      )
      .toBe('stored');
    expect(problems).toEqual([]);
    await page.close();
  });
});
