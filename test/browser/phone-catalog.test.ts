// The catalog in the chat, in a real browser: a product list sent through POST /v1/messages
// shows in the simulated phone with each product's name and price from the catalog; the
// customer's "Ask" under a product is a product enquiry (context.referred_product) that
// the conversation shows with the product.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, untilWindowOpen, useBrowserServer, watchPage } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let pnid: string;
const customer = '919812340001';
const problems: string[] = [];

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
beforeAll(() => {
  browser = h.browser;
});

const watch = (page: Page) => watchPage(page, problems);

describe('sandbox phone: the catalog in the chat', () => {
  it('shows a product list sent from the API and sends a product enquiry', async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 860 } });
    watch(page);
    await page.goto(`${s.base}/sandbox/phone`);
    await page.getByTestId('wa-id').fill(customer);
    await page.getByTestId('number').selectOption(pnid);
    await expect.poll(() => page.getByTestId('shop-name').textContent()).toBe('Demo Shop');
    await page.getByTestId('text').fill('What do you have?');
    await page.getByTestId('send').click();
    await page.locator('[data-testid=message][data-type=text]').filter({ hasText: 'What do you have?' }).waitFor();
    await untilWindowOpen(s, customer);

    const sent = await s.api('/v1/messages', {
      body: {
        customer: { wa_id: customer },
        type: 'product_list',
        product_list: {
          header: 'Today at Demo Shop',
          body: 'Fresh from the roastery: tap Ask about any of them.',
          footer: 'Prices include GST',
          sections: [
            { title: 'Tea', retailer_ids: ['masala-chai'] },
            { title: 'Coffee and more', retailer_ids: ['filter-coffee', 'brass-tumbler'] },
          ],
        },
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const list = page.getByTestId('chat').getByTestId('product-list');
    await list.waitFor({ timeout: 20_000 });
    const text = await list.textContent();
    for (const t of [
      'Today at Demo Shop',
      'Tea',
      'Masala chai (250 g)',
      'INR 249.00',
      'Filter coffee (500 g)',
      'INR 449.00',
      'Brass tumbler and davara',
      'View 3 items',
    ])
      expect(text).toContain(t);
    await list.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('phone-product-list') });

    await list.getByTestId('ask-filter-coffee').click();
    await expect
      .poll(
        async () => {
          const conv = (await s.api('/v1/conversations')).body.data.find((c: any) => c.customer.wa_id === customer);
          const msgs = conv ? (await s.api(`/v1/conversations/${conv.id}/messages`)).body.data : [];
          return msgs.find((m: any) => m.direction === 'inbound' && m.products.length)?.products[0];
        },
        { timeout: 20_000 },
      )
      .toMatchObject({ retailer_id: 'filter-coffee', name: 'Filter coffee (500 g)', price_formatted: '₹449.00' });
    expect(problems).toEqual([]);
    await page.close();
  });
});
