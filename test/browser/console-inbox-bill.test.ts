// A bill from the chat, in a browser with background workers on the real clock: the customer
// types on the simulated phone, an agent (invited from the console) opens the conversation,
// presses "Bill", picks catalog products and quantities, sees the total in the business
// locale and sends it (POST /v1/orders, send: true); the bill message appears live in the
// thread and on the phone. The customer panel shows the new order's payment status, and
// its tags are edited. Screenshots test-results/screenshots/inbox-bill-*.png, axe-core.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_SERVER, screenshotPath, useBrowserServer, until } from '../support/browser.ts';
import { acceptLinkInBrowser, consolePage, expectAccessible, PHONE } from '../support/console.ts';
import { createBookingFromToken, getBookingService, getBookingSettings, offeredDates, openSlots } from '../../src/modules/bookings/index.ts';
import { inTransaction } from '../../src/platform/context.ts';
import type { TestServer } from '../support/server.ts';

let s: TestServer;
let browser: Browser;
let owner: Page;
let pnid: string;
const KAVYA = '919811100041';

const h = useBrowserServer(LIVE_SERVER, async (server) => {
  s = server;
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});

beforeAll(async () => {
  browser = h.browser;
  ({ page: owner } = await consolePage(browser));
  await acceptLinkInBrowser(owner, s.demo!.consoleLink);
});

/** Kavya books the first free slot of a new service, the way the booking flow does. */
async function kavyaBooks(name: string) {
  const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:30']]]));
  const svc = await s.api('/v1/booking-services', { body: { name, duration_minutes: 30, deposit: 10_000, currency: 'INR', weekly_hours: hours } });
  expect(svc.status, JSON.stringify(svc.body)).toBe(201);
  const service = (await getBookingService(s.ctx.db, s.merchantId, svc.body.id))!;
  const settings = await getBookingSettings(s.ctx.db, s.merchantId);
  const date = (await offeredDates(s.ctx.db, service, settings, new Date())).available[0]!;
  const slot = (await openSlots(s.ctx.db, service, settings, new Date(), date))[0]!;
  const token = `flt_panel_${Date.now()}`;
  await s.ctx.db.query(
    `insert into flow_tokens (token, merchant_id, wa_id, flow_name, status, expires_at) values ($1, $2, $3, 'book_appointment', 'active', now() + interval '1 day')`,
    [token, s.merchantId, KAVYA],
  );
  const r = await inTransaction(s.ctx, (tx) =>
    createBookingFromToken(s.ctx, tx, {
      merchantId: s.merchantId,
      waId: KAVYA,
      token,
      serviceId: service.id,
      date,
      slotId: slot.id,
      customerName: 'Kavya',
      note: null,
    }),
  );
  expect(r.ok && r.value.kind).toBe('created');
}

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`inbox-bill-${name}`), fullPage: true });

describe('console inbox: a bill from the chat', () => {
  it('an agent bills catalog products from the conversation; the phone shows the bill', async () => {
    // The customer writes from the simulated phone.
    const phone = await browser.newPage({ viewport: { width: 400, height: 860 } });
    await phone.goto(`${s.base}/sandbox/phone?wa_id=${KAVYA}&phone_number_id=${pnid}`);
    await expect.poll(() => phone.getByTestId('wa-id').inputValue()).toBe(KAVYA);
    await phone.getByTestId('text').fill('Two masala chai and a filter coffee please');
    await phone.getByTestId('text').press('Enter');
    await until(async () => ((await s.api('/v1/conversations?limit=100')).body.data as any[]).some((c) => c.customer.wa_id === KAVYA), 'the conversation');

    // An agent, invited by the owner.
    const invite = await owner.evaluate(async () => {
      const r = await fetch('/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ email: 'bill.agent@example.com', role: 'agent', name: 'Ira' }),
      });
      return { status: r.status, body: await r.json() };
    });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const { page: agent, context, errors } = await consolePage(browser);
    await acceptLinkInBrowser(agent, invite.body.invitation.url);
    await agent.goto(`${s.base}/console/inbox`);
    await agent.getByTestId('conversation').filter({ hasText: 'Two masala chai' }).click();
    const thread = agent.getByTestId('thread');
    await thread.getByText('Two masala chai and a filter coffee please').waitFor();

    await agent.getByTestId('bill-open').click();
    const dialog = agent.getByTestId('bill-dialog');
    await dialog.getByLabel('Quantity of Masala chai (250 g)').fill('2');
    await dialog.getByLabel('Quantity of Filter coffee (500 g)').fill('1');
    // 2 × ₹249 + ₹449, in the business locale (en-IN).
    await expect.poll(() => dialog.getByTestId('bill-total').textContent()).toContain('947.00');
    // An agent cannot read the payment settings: the bill goes the shop's default way (the server's choice).
    await expect(dialog.textContent()).resolves.toContain("The shop's usual way to pay");
    await shot(agent, 'dialog-1280');
    await expectAccessible(agent, 'the bill dialog');
    await dialog.getByTestId('bill-send').click();
    await dialog.waitFor({ state: 'hidden' });

    const orders = (await s.api(`/v1/orders?customer=${KAVYA}`)).body.data as any[];
    expect(orders).toHaveLength(1);
    expect(orders[0].total).toBe(94_700);
    expect(orders[0].payment).toMatchObject({ method: 'payment_link', provider: 'sandbox' }); // the demo shop's default
    expect(orders[0].items.map((i: any) => [i.retailer_id, i.quantity]).sort()).toEqual([
      ['filter-coffee', 1],
      ['masala-chai', 2],
    ]);
    // The bill message arrives in the thread (stream) and on the phone.
    const ref = orders[0].reference_id as string;
    await thread.getByTestId('message-out').filter({ hasText: /947/ }).first().waitFor({ timeout: 30_000 });
    await phone.getByTestId('chat').getByText(/947/).first().waitFor({ timeout: 30_000 });
    expect(await phone.getByTestId('chat').textContent()).not.toContain(orders[0].id);

    // The customer panel: the order and its payment status, the customer's bookings; tags edited.
    await kavyaBooks('Tea tasting');
    const panel = agent.getByTestId('customer-panel');
    await panel.getByText(ref).waitFor();
    await agent.reload(); // the panel reads bookings when it opens
    await panel.locator('.customer-bookings li').filter({ hasText: 'Tea tasting' }).waitFor();
    await expect(panel.locator('.customer-bookings li').first().textContent()).resolves.toMatch(/held/);
    await expect(panel.locator('.customer-orders li').first().textContent()).resolves.toMatch(/unpaid/);
    await panel.getByLabel('Add a tag').fill('wholesale');
    await panel.getByRole('button', { name: 'Add', exact: true }).click();
    await panel.getByRole('button', { name: 'Remove tag wholesale' }).waitFor();
    const cus = (await s.api(`/v1/customers/${orders[0].customer.id}`)).body;
    expect(cus.tags).toEqual(['wholesale']);
    await shot(agent, 'thread-1280');
    await shot(phone, 'phone');
    await expectAccessible(agent, 'the thread after the bill');
    await panel.getByRole('button', { name: 'Remove tag wholesale' }).click();
    await until(async () => (await s.api(`/v1/customers/${orders[0].customer.id}`)).body.tags.length === 0, 'the tag removed');

    // On a phone the dialog fits the screen.
    await agent.setViewportSize(PHONE);
    await agent.getByTestId('bill-open').click();
    await dialog.getByLabel('Quantity of Masala chai (250 g)').fill('3');
    await expect.poll(() => dialog.getByTestId('bill-total').textContent()).toContain('747.00');
    await shot(agent, 'dialog-360');
    await expectAccessible(agent, 'the bill dialog at 360 px');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Canceled: nothing billed (the other order is the booking's deposit).
    expect((await s.api(`/v1/orders?customer=${KAVYA}`)).body.data).toHaveLength(2);
    expect(errors).toEqual([]);
    await context.close();
    await phone.close();
  });
});
