// Checkout links over HTTP in sandbox mode: the API, the public page /c/{slug} (changes
// nothing on GET, escaped, the pay page's headers), a payer's guest order paid through the
// sandbox provider (with the opt-in receipt in the typed number's chat, and nothing without
// it), max_payments on captures (a second payer refused; two racing payers: one order kept,
// the extra capture refunded and a clear page), expiry (410), the posting limit (429), and
// the range's amount parsed on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { POSTS_PER_ADDRESS } from '../../src/modules/checkout-links/routes/checkout-links.page.ts';
import { expectValidation, otherMerchant } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
const wall = new ManualClock(new Date());
let n = 0;
const newNumber = () => `9196${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}

/** A fresh posting allowance: the page's limits count real seconds (the wall clock). */
const refill = () => wall.advance(3600_000);

async function createLink(body: Record<string, unknown>) {
  const r = await s.api('/v1/checkout-links', { body: { currency: 'INR', ...body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

async function post(url: string, fields: Record<string, string>) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields), redirect: 'manual' });
}

/** A payer on the page: the 303 to /pay/{token}, and the order it made. */
async function payerStarts(link: any, fields: Record<string, string>) {
  refill();
  const r = await post(link.url, fields);
  expect(r.status, await r.clone().text()).toBe(303);
  const payUrl = `${s.base}${r.headers.get('location')}`;
  expect(payUrl).toMatch(/\/pay\/[A-Za-z0-9_-]+$/);
  const orders = (await s.api('/v1/orders?limit=100')).body.data;
  const order = orders.find((o: any) => o.payment?.url === payUrl.replace(s.base, s.ctx.publicUrl) || o.payment?.url?.endsWith(new URL(payUrl).pathname));
  expect(order).toBeDefined();
  return { payUrl, order };
}

const phoneOf = async (wa: string) => {
  const body = await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json();
  return (Array.isArray(body) ? body : (body.data ?? body.messages ?? [])) as any[];
};

beforeAll(async () => {
  s = await startTestServer({ clock, wallClock: wall });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  const t = await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { templates: { order_update: { name: 'order_update', language: 'en' } } } });
  expect(t.status, JSON.stringify(t.body)).toBe(200);
});
afterAll(async () => {
  await s?.close();
});

describe('checkout links API', () => {
  it('creates, reads, lists and changes a link; slugs carry at least 96 random bits', async () => {
    const link = await createLink({ name: 'Consultation prepayment', amount: 150000, description: 'One hour, online', max_payments: 10 });
    expect(link.id).toMatch(/^chl_/);
    expect(link.state).toBe('active');
    const slug = link.url.split('/c/')[1];
    expect(link.url).toBe(`${s.ctx.publicUrl}/c/${slug}`);
    // 16 random bytes in base64url: 22 characters, 128 bits.
    expect(slug).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(link.qr_svg_url).toBe(`${link.url}/qr.svg`);
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body).toEqual(link);
    const list = (await s.api('/v1/checkout-links?limit=1')).body;
    expect(list.object).toBe('list');
    expect(list.data[0].id).toBe(link.id);
    const patched = await s.api(`/v1/checkout-links/${link.id}`, { method: 'PATCH', body: { active: false, amount_range: { min: 100, max: 5000 } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ active: false, state: 'inactive', amount: null, amount_range: { min: 100, max: 5000 } });

    const qr = await fetch(link.qr_svg_url);
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await qr.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await fetch(`${s.base}/c/${'A'.repeat(22)}/qr.svg`)).status).toBe(404);
  });

  it('refuses a link priced two ways, none, or with products it does not have', async () => {
    expectValidation(await s.api('/v1/checkout-links', { body: { name: 'x', currency: 'INR', amount: 100, amount_range: { min: 1, max: 2 } } }), 'amount');
    expectValidation(await s.api('/v1/checkout-links', { body: { name: 'x', currency: 'INR' } }), 'amount');
    expectValidation(await s.api('/v1/checkout-links', { body: { name: 'x', currency: 'INR', amount_range: { min: 500, max: 2 } } }), 'amount_range.max');
    expectValidation(await s.api('/v1/checkout-links', { body: { name: 'x', currency: 'INR', retailer_ids: ['no-such-thing'] } }), 'retailer_ids.0');
    expectValidation(
      await s.api('/v1/checkout-links', {
        body: { name: 'x', currency: 'INR', amount: 100, expires_at: new Date(clock.now().getTime() - 1000).toISOString() },
      }),
      'expires_at',
    );
    expect((await s.api('/v1/checkout-links/chl_00000000000000000000000000')).status).toBe(404);
  });
});

describe('checkout links API, more', () => {
  it('replays a create with the same Idempotency-Key, and keeps each merchant to its own links', async () => {
    const headers = { 'Idempotency-Key': `chl-${Date.now()}` };
    const body = { name: 'Once', currency: 'INR', amount: 1000 };
    const a = await s.api('/v1/checkout-links', { body, headers });
    const b = await s.api('/v1/checkout-links', { body, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const other = await otherMerchant(s, 'Other shop');
    expect((await s.api(`/v1/checkout-links/${a.body.id}`, { key: other.key })).status).toBe(404);
    expect((await s.api(`/v1/checkout-links/${a.body.id}`, { key: other.key, method: 'PATCH', body: { active: false } })).status).toBe(404);
    expect((await s.api('/v1/checkout-links', { key: other.key })).body.data).toEqual([]);
  });
});

describe('a products link', () => {
  it('shows the products at catalog prices and bills one of each; a physical one asks for the address first', async () => {
    const link = await createLink({ name: 'Tea and tumbler', retailer_ids: ['masala-chai', 'brass-tumbler'] });
    const html = await (await fetch(link.url)).text();
    expect(html).toContain('Masala chai (250 g)');
    expect(html).toContain('₹249.00');
    expect(html).toContain('₹1,148.00');
    const { payUrl, order } = await payerStarts(link, { name: 'Ravi', amount: '1' });
    expect(order.items.map((i: any) => [i.retailer_id, i.quantity, i.amount])).toEqual([
      ['masala-chai', 1, 24900],
      ['brass-tumbler', 1, 89900],
    ]);
    expect(order).toMatchObject({ total: 114800, goods_type: 'physical-goods' });
    expect(await (await fetch(payUrl)).text()).toContain('data-testid="address-form"');
  });
});

describe('the public page and a payer', () => {
  it('shows the link and changes nothing; a paid link yields one paid guest order, and the opt-in receipt', async () => {
    const link = await createLink({ name: 'Deposit', amount: 49900, description: 'For the Saturday workshop' });
    const before = (await s.api('/v1/orders?limit=100')).body.data.length;
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    for (const [h, v] of Object.entries({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    }))
      expect(page.headers.get(h)).toBe(v);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('₹499.00');
    expect(html).toContain('For the Saturday workshop');
    expect(html).toContain('name="notify"');
    expect(html).not.toMatch(/name="notify"[^>]*checked/);
    expect(html).not.toContain(link.id);
    expect((await s.api('/v1/orders?limit=100')).body.data.length).toBe(before);

    // The payer types the number of someone the shop already knows: the order never attaches to them.
    const known = newNumber();
    const hello = await fetch(`${s.base}/sandbox/customers/${known}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: 'hello' }, name: 'Known Person' }),
    });
    expect(hello.status).toBe(201);
    await drain();
    const knownCustomer = (await s.api('/v1/customers?limit=100')).body.data.find((c: any) => c.wa_id === known);
    expect(knownCustomer).toBeDefined();

    const { payUrl, order } = await payerStarts(link, { name: 'Asha Payer', wa_id: `+${known.slice(0, 2)} ${known.slice(2)}`, notify: '1', total: '1' });
    expect(order).toMatchObject({ source: 'checkout_link', checkout_link_id: link.id, total: 49900, payment_status: 'unpaid' });
    expect(order.customer.id).not.toBe(knownCustomer.id);
    expect(order.customer).toMatchObject({ wa_id: null, bsuid: null, name: 'Asha Payer' });
    // Within the hour; no provider object until the payer proceeds.
    expect(new Date(order.expires_at).getTime() - clock.now().getTime()).toBeLessThanOrEqual(3600_000);
    expect((await s.api(`/v1/orders/${order.id}/payments`)).body.data[0].provider_object_id).toBeNull();
    await drain();
    // Nothing went to the typed number before payment (no bill, no reminder).
    const beforePay = (await phoneOf(known)).filter((m: any) => m.direction === 'in');
    expect(beforePay).toHaveLength(0);

    await payOrder(s, payUrl, 'success');
    await drain();
    const paid = (await s.api(`/v1/orders/${order.id}`)).body;
    expect(paid.payment_status).toBe('paid');
    // The guest has no chat with the shop: the page does not promise updates there.
    const after = await (await fetch(payUrl)).text();
    expect(after).toContain('data-state="paid"');
    expect(after).not.toContain('WhatsApp chat');
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body.payments_captured).toBe(1);
    const received = (await phoneOf(known)).filter((m: any) => m.direction === 'in');
    expect(received).toHaveLength(1);
    expect(JSON.stringify(received[0])).toContain(order.reference_id);
    // One receipt, however often jobs run again.
    await drain();
    expect((await phoneOf(known)).filter((m: any) => m.direction === 'in')).toHaveLength(1);
  });

  it('sends nothing to a typed number without the opt-in; outside the window the receipt is the utility template', async () => {
    const link = await createLink({ name: 'Tip jar', amount_range: { min: 1000, max: 500000 } });
    const silent = newNumber();
    const a = await payerStarts(link, { name: 'No Notify', wa_id: silent, amount: '250' });
    expect(a.order.total).toBe(25000);
    await payOrder(s, a.payUrl, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${a.order.id}`)).body.payment_status).toBe('paid');
    expect(await phoneOf(silent)).toHaveLength(0);

    const stranger = newNumber();
    const b = await payerStarts(link, { name: 'Wants Receipt', wa_id: stranger, notify: 'on', amount: '1,234.50' });
    expect(b.order.total).toBe(123450);
    await payOrder(s, b.payUrl, 'success');
    await drain();
    const got = (await phoneOf(stranger)).filter((m: any) => m.direction === 'in');
    expect(got).toHaveLength(1);
    expect(JSON.stringify(got[0])).toContain('order_update');
  });

  it('parses the amount in the currency exponent with the bounds on the server', async () => {
    const link = await createLink({ name: 'Any amount', amount_range: { min: 10000, max: 20000 } });
    const html = await (await fetch(link.url)).text();
    expect(html).toContain('₹100.00');
    expect(html).toContain('₹200.00');
    for (const amount of ['99.99', '200.01', '150.005', 'abc', '', '-150']) {
      refill();
      const r = await post(link.url, { name: 'P', amount });
      expect(r.status, amount).toBe(400);
      expect(await r.text()).toContain('data-testid="error-amount"');
    }
    refill();
    const noName = await post(link.url, { name: '  ', amount: '150' });
    expect(noName.status).toBe(400);
    refill();
    const badNumber = await post(link.url, { name: 'P', amount: '150', wa_id: 'call me', notify: '1' });
    expect(badNumber.status).toBe(400);
    refill();
    const notifyWithout = await post(link.url, { name: 'P', amount: '150', notify: '1' });
    expect(notifyWithout.status).toBe(400);
    expect(await notifyWithout.text()).toContain('data-testid="error-notify"');
  });

  it('escapes hostile strings on the page and in a re-shown form', async () => {
    const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;
    const link = await createLink({ name: hostile.slice(0, 100), description: `${hostile}\n'quoted'`, amount_range: { min: 100, max: 1000 } });
    const html = await (await fetch(link.url)).text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;script&#62;');
    refill();
    const r = await post(link.url, { name: hostile, wa_id: `"><svg onload=alert(3)>`, amount: `"><b>1</b>` });
    expect(r.status).toBe(400);
    const again = await r.text();
    expect(again).not.toContain('<svg onload');
    expect(again).not.toContain('<b>1</b>');
    expect(again).not.toContain('<script>');
  });
});

describe('limits, expiry and the posting rate', () => {
  it('a limit of 1 refuses the second payer with a clear page', async () => {
    const link = await createLink({ name: 'One seat', amount: 10000, max_payments: 1 });
    const first = await payerStarts(link, { name: 'First' });
    // On the page before the first payment lands, and pressing Pay after it: nothing to pay.
    const late = await payerStarts(link, { name: 'Late' });
    await payOrder(s, first.payUrl, 'success');
    await drain();
    expect((await s.api(`/v1/orders/${first.order.id}`)).body.payment_status).toBe('paid');
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body).toMatchObject({ payments_captured: 1, state: 'exhausted' });
    const page = await fetch(link.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('used up');
    refill();
    const second = await post(link.url, { name: 'Second' });
    expect(second.status).toBe(410);
    expect(await second.text()).toContain('data-state="exhausted"');
    const pay = await fetch(`${late.payUrl}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(pay.status).toBe(409);
    expect(await pay.text()).toContain('data-state="limit_reached"');
    expect((await s.api(`/v1/orders/${late.order.id}/payments`)).body.data[0].provider_object_id).toBeNull();
  });

  // Their capture jobs run in one batch, concurrently (on PostgreSQL each in its own connection): the link row's lock decides.
  it.each([1, 2, 3])('two racing payers (round %i): one order kept, the extra capture refunded, and that payer told', async () => {
    const link = await createLink({ name: 'Last one', amount: 20000, max_payments: 1 });
    const a = await payerStarts(link, { name: 'Racer A' });
    const b = await payerStarts(link, { name: 'Racer B' });
    // Both reach the provider before either capture lands.
    await Promise.all([payOrder(s, a.payUrl, 'success'), payOrder(s, b.payUrl, 'success')]);
    await drain();
    await drain();
    const oa = (await s.api(`/v1/orders/${a.order.id}`)).body;
    const ob = (await s.api(`/v1/orders/${b.order.id}`)).body;
    const kept = [oa, ob].filter((o) => o.payment_status === 'paid');
    const other = [oa, ob].find((o) => o.payment_status !== 'paid');
    expect(kept).toHaveLength(1);
    expect(other.status).toBe('canceled');
    expect(other.amount_paid).toBe(0);
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body.payments_captured).toBe(1);
    const ofLink = (await s.api(`/v1/orders?checkout_link_id=${link.id}`)).body.data.map((o: any) => o.id);
    expect(ofLink.sort()).toEqual([a.order.id, b.order.id].sort());
    const refunds = (await s.api(`/v1/orders/${other.id}/refunds`)).body.data;
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ kind: 'extra_capture', amount: 20000 });
    const types = (await s.api(`/v1/orders/${other.id}/events`)).body.data.map((e: any) => e.type);
    expect(types).toContain('payment.extra_captured');
    const loserPage = await (await fetch(other.id === a.order.id ? a.payUrl : b.payUrl)).text();
    expect(loserPage).toContain('data-state="over_limit"');
    expect(loserPage).toContain('refunded to you automatically');
  });

  it('an expired link says so (410), on GET and POST', async () => {
    const link = await createLink({ name: 'Early bird', amount: 5000, expires_at: new Date(clock.now().getTime() + 3600_000).toISOString() });
    expect((await fetch(link.url)).status).toBe(200);
    clock.advance(2 * 3600_000);
    const page = await fetch(link.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This link has expired');
    refill();
    expect((await post(link.url, { name: 'Late' })).status).toBe(410);
    expect((await s.api(`/v1/checkout-links/${link.id}`)).body.state).toBe('expired');
    // An inactive link too.
    const off = await createLink({ name: 'Paused', amount: 5000, active: false });
    const offPage = await fetch(off.url);
    expect(offPage.status).toBe(410);
    expect(await offPage.text()).toContain('not taking payments');
  });

  it('posting faster than the limit is refused (429)', async () => {
    const link = await createLink({ name: 'Popular', amount_range: { min: 100, max: 1000 } });
    refill();
    const answers: number[] = [];
    for (let i = 0; i < POSTS_PER_ADDRESS.burst + 2; i++) answers.push((await post(link.url, { name: 'Fast', amount: 'not a number' })).status);
    expect(answers.slice(0, POSTS_PER_ADDRESS.burst).every((x) => x === 400)).toBe(true);
    expect(answers.slice(POSTS_PER_ADDRESS.burst)).toEqual([429, 429]);
    const r = await post(link.url, { name: 'Fast', amount: '5' });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // Real time passing gives the address its tries back.
    refill();
    expect((await post(link.url, { name: 'Patient', amount: '5' })).status).toBe(303);
  });
});
