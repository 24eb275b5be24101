// The console's order work in a real browser, with background workers on the real clock:
// an order made over the API appears on Today and in Orders without a reload; the order's
// timeline shows the bill, its WhatsApp delivery status and the payment; a partial refund
// made from the order page reaches the customer's phone; a payment the sandbox provider
// underpaid (its test controls) goes to manual review and is accepted from the console.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, useBrowserServer, until } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, expectAccessible, shoot } from '../support/console.ts';
import { payOrder } from '../support/pay.ts';
import { sampleOrder, type TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let page: Page;
let pnid: string;
const h = useBrowserServer(LIVE_SERVER, async (server) => {
  pnid = (await server.api('/v1/settings/whatsapp')).body.phone_number_id;
  // Payments in review wait for a person (the default refunds them at once).
  expect((await server.api('/v1/settings/payments', { method: 'PATCH', body: { review: 'review' } })).status).toBe(200);
});
beforeAll(async () => {
  ({ s, browser } = h);
  ({ page } = await consolePage(browser));
  await acceptLinkInBrowser(page, s.demo!.consoleLink);
});

let seq = 0;
async function createOrder(waId: string, over: Record<string, unknown> = {}) {
  const r = await s.api('/v1/orders', {
    body: sampleOrder({ customer: { wa_id: waId, name: 'Asha' }, ...over }),
    headers: { 'idempotency-key': `o-${++seq}-${Date.now()}` },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; reference_id: string; total: number; payment: { url: string } };
}

async function customerSays(waId: string, text: string) {
  const r = await fetch(`${s.base}/sandbox/customers/${waId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: text } }),
  });
  expect(r.status).toBe(201);
}

async function phoneShows(waId: string, needle: string) {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(`${s.base}/sandbox/customers/${waId}/messages?phone_number_id=${pnid}`);
    const text = await r.text();
    if (text.includes(needle)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the customer's phone never showed "${needle}"`);
}

describe('console orders', () => {
  it('shows an order created over the API on Today and in Orders without a reload', async () => {
    await page.getByRole('link', { name: 'Today', exact: true }).click();
    await page.getByRole('heading', { name: 'Today', exact: true }).waitFor();
    const first = await createOrder('919800000001');
    await page.getByTestId('latest-orders').getByRole('link', { name: first.reference_id }).waitFor({ timeout: 15_000 });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByTestId('orders').waitFor();
    const second = await createOrder('919800000002');
    await page.getByTestId('orders').getByRole('link', { name: second.reference_id }).waitFor({ timeout: 15_000 });

    // Search by reference.
    await page.getByLabel('Search').fill(first.reference_id);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('orders').getByRole('link', { name: first.reference_id }).waitFor();
    await until(async () => (await page.getByTestId('orders').getByRole('link').count()) === 1, 'the search to narrow the list');
  });

  it("shows the bill, its delivery status and the payment on the order's timeline, and refunds to the customer's phone", async () => {
    const wa = '919800000003';
    await customerSays(wa, 'Hi, I would like to order');
    const o = await createOrder(wa);
    // The bill job sends only a bill still open: pay once it has gone, as a customer would.
    await until(
      async () => ((await s.api(`/v1/messages?wa_id=${wa}&limit=100`)).body.data as any[]).some((m) => m.order_id === o.id && m.purpose === 'bill'),
      'the bill to be queued',
    );
    await payOrder(s, o.payment.url, 'success');
    await until(async () => (await s.api(`/v1/orders/${o.id}`)).body.payment_status === 'paid', 'the payment');

    await page.goto(`${s.base}/console/orders/${o.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const bill = timeline.locator('li[data-kind="message"]', { hasText: 'Bill to the customer' });
    await bill.first().waitFor({ timeout: 15_000 });
    await until(async () => /delivered|read/.test((await bill.first().textContent()) ?? ''), 'the bill to be delivered');
    await timeline.locator('li[data-kind="payment"]', { hasText: 'Payment captured' }).waitFor({ timeout: 15_000 });
    await shoot(page, 'order-paid-1280');

    // A partial refund: the dialog shows the amount before anything happens.
    await page.getByTestId('refund').click();
    const dialog = page.getByTestId('refund-dialog');
    await dialog.getByLabel('Partial refund').check();
    await dialog.getByLabel(/Amount/).fill('10');
    await dialog.getByLabel('Reason').fill('One cup arrived chipped');
    await expect(dialog.getByTestId('refund-summary').textContent()).resolves.toContain('₹10.00');
    await expectAccessible(page, 'refund dialog');
    await dialog.getByTestId('refund-confirm').dblclick();
    await page.getByTestId('order-refunded').waitFor({ timeout: 15_000 });
    await phoneShows(wa, 'We refunded ₹10.00');
    const refunds = (await s.api(`/v1/orders/${o.id}/refunds`)).body.data;
    expect(refunds).toHaveLength(1);
    await timeline.locator('li[data-kind="refund"]').first().waitFor();
  });

  it('accepts a payment in manual review (an underpayment made with the sandbox pay page test control)', async () => {
    const o = await createOrder('919800000004');
    // As a person tries it: our checkout page, then the sandbox provider's page, paying ₹5 less.
    const { page: payer, context } = await consolePage(browser);
    await payer.goto(o.payment.url);
    await payer.getByTestId('pay').click();
    await payer.getByText('Test: pay a different amount').click();
    await payer.getByTestId('pay-amount').fill(((o.total - 500) / 100).toFixed(2));
    await payer.getByTestId('pay-amount-submit').click();
    await payer.waitForURL((u) => !u.pathname.startsWith('/sandbox/psp/pay/') || u.pathname.endsWith('/done'));
    await context.close();
    await until(async () => (await s.api(`/v1/orders/${o.id}`)).body.payment_status === 'manual_review', 'manual review');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Today' }).click();
    const review = page.getByTestId('needs-review');
    await review.getByRole('link', { name: o.reference_id }).click();
    await page.getByTestId('review-note').waitFor();
    await page.getByTestId('review-accept').click();
    await page.getByTestId('review-dialog').getByTestId('review-confirm').click();
    await until(async () => (await s.api(`/v1/orders/${o.id}`)).body.payment_status !== 'manual_review', 'the review to be resolved');
    await page.getByTestId('review-note').waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('cancels an unpaid order with a reason, then reorders it', async () => {
    const o = await createOrder('919800000005');
    await page.goto(`${s.base}/console/orders/${o.id}`);
    await page.getByTestId('cancel-order').click();
    const dialog = page.getByTestId('cancel-dialog');
    await dialog.getByLabel('Reason (optional)').fill('Customer changed their mind');
    await dialog.getByRole('button', { name: 'Cancel the order' }).click();
    await page.getByText('Canceled: Customer changed their mind').waitFor({ timeout: 15_000 });
    await page.getByTestId('reorder').click();
    await page.waitForURL((u) => u.pathname.startsWith('/console/orders/') && !u.pathname.endsWith(o.id));
    await page.getByTestId('order-reference').waitFor();
    expect(await page.getByTestId('order-reference').textContent()).not.toBe(o.reference_id);
  });
  it('the status picker follows an order paid while its page is open (a live update)', async () => {
    const wa = '919800000019';
    await customerSays(wa, 'Hello, one chai please');
    const o = await createOrder(wa);
    await page.goto(`${s.base}/console/orders/${o.id}`);
    const picker = page.getByLabel('Order status', { exact: true });
    await picker.waitFor();
    expect(await picker.inputValue()).toBe('pending');
    await payOrder(s, o.payment.url, 'success');
    await until(async () => (await picker.inputValue()) === 'processing', 'the picker to follow the paid order');
  });
});
