// A payment link for physical goods without an address: our /pay/{token} page asks for
// the delivery address before the customer proceeds to the provider. GET changes nothing;
// the form POSTs; a wrong field comes back as a clear message beside it (nothing stored);
// hostile strings are stored as text and shown escaped; a paid or addressed order is not
// re-addressed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

async function physicalLink(wa = '919811122233', extra: Record<string, unknown> = {}) {
  const r = await s.api('/v1/orders', {
    body: {
      customer: { wa_id: wa, name: 'Asha' },
      currency: 'INR',
      items: [{ retailer_id: 'brass-tumbler', quantity: 1 }],
      goods_type: 'physical-goods',
      payment: { method: 'payment_link', provider: 'sandbox' },
      send: false,
      ...extra,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { order: r.body, url: r.body.payment.url as string };
}
const form = (url: string, fields: Record<string, string>, path = 'address') =>
  fetch(`${url}/${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
const GOOD = {
  name: 'Asha Rao',
  address_line1: '12 MG Road',
  address_line2: 'Flat 4B',
  city: 'Bengaluru',
  state: 'Karnataka',
  postal_code: '560 001',
  country_code: 'in',
};

describe('the pay page asks for the address of physical goods', () => {
  it('shows the form instead of Pay, and the provider is not reached without an address', async () => {
    const { order, url } = await physicalLink();
    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('data-testid="address-form"');
    expect(html).not.toContain('data-testid="pay"');
    expect(html).toContain('value="Asha"'); // the customer's name, prefilled
    expect(html).toContain('value="IN"'); // a +91 number: India, prefilled
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const go = await form(url, {}, 'checkout');
    expect(go.status).toBe(409);
    expect(await go.text()).toContain('data-testid="address-form"');
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment.status).toBe('created');
  });

  it('explains each wrong field beside it and keeps what was typed; nothing is stored', async () => {
    const { order, url } = await physicalLink();
    const r = await form(url, { ...GOOD, name: '', postal_code: '12', city: 'x'.repeat(150), state: '' });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('data-testid="address-errors"');
    expect(html).toMatch(/data-testid="error-name">Enter the name of the person receiving the order</);
    expect(html).toMatch(/data-testid="error-postal_code">Enter the 6-digit PIN code</);
    expect(html).toMatch(/data-testid="error-city">At most 100 characters</);
    expect(html).toMatch(/data-testid="error-state">Enter the state</);
    expect(html).toContain('value="12 MG Road"');
    expect(html).toContain('aria-invalid="true"');
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address).toBeNull();
  });

  it('stores a good address (normalized), then offers Pay with the address shown; a second address is refused', async () => {
    const { order, url } = await physicalLink();
    const r = await form(url, GOOD);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(new URL(url).pathname);
    const stored = (await s.api(`/v1/orders/${order.id}`)).body.shipping_address;
    expect(stored).toEqual({
      name: 'Asha Rao',
      address_line1: '12 MG Road',
      address_line2: 'Flat 4B',
      city: 'Bengaluru',
      state: 'Karnataka',
      postal_code: '560001',
      country_code: 'IN',
    });
    const html = await (await fetch(url)).text();
    expect(html).toContain('data-testid="pay"');
    expect(html).toContain('Delivering to Asha Rao, 12 MG Road, Flat 4B, Bengaluru, Karnataka 560001, IN');
    const events = (await s.api(`/v1/orders/${order.id}/events`)).body.data;
    expect(events.find((e: any) => e.type === 'order.shipping_address_added')?.data.via).toBe('pay_page');

    const again = await form(url, { ...GOOD, city: 'Mysuru' });
    expect(again.status).toBe(409);
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address.city).toBe('Bengaluru');
    const go = await form(url, {}, 'checkout');
    expect(go.status).toBe(303);
  });

  it('outside India: no PIN or state rules, the country guessed from the number', async () => {
    const { order, url } = await physicalLink('14155550199');
    expect(await (await fetch(url)).text()).toContain('value="US"');
    const r = await form(url, { name: 'Sam Lee', address_line1: '1 Market St', city: 'San Francisco', postal_code: '94105', country_code: 'US' });
    expect(r.status).toBe(303);
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address).toMatchObject({ country_code: 'US', postal_code: '94105' });
  });

  it('hostile strings: markup is stored as text and shown escaped; control characters and odd fields are refused', async () => {
    const { order, url } = await physicalLink();
    const evil = '"><script>alert(1)</script>';
    const bad = await form(url, { ...GOOD, name: evil, address_line1: 'Line\nbreak', country_code: 'I<', extra: 'ignored' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
    expect(html).toMatch(/error-address_line1">Use one line of plain text/);
    expect(html).toMatch(/error-country_code">Use the two-letter country code/);

    const ok = await form(url, { ...GOOD, name: evil });
    expect(ok.status).toBe(303);
    expect((await s.api(`/v1/orders/${order.id}`)).body.shipping_address.name).toBe(evil);
    const page = await (await fetch(url)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('Delivering to &#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');

    const huge = await fetch(`${url}/address`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${'a'.repeat(20_000)}`,
    });
    expect(huge.status).toBe(413);
    expect((await form(`${url.replace(/\/pay\/.*/, '/pay/not-a-real-token-000000')}`, GOOD)).status).toBe(404);
  });

  it('a digital order or an order with its address never shows the form', async () => {
    const digital = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: '919811122299' },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 1 }],
        payment: { method: 'payment_link', provider: 'sandbox' },
        send: false,
      },
    });
    expect(await (await fetch(digital.body.payment.url)).text()).not.toContain('address-form');
    expect((await form(digital.body.payment.url, GOOD)).status).toBe(409);
    const given = await physicalLink('919811122200', {
      shipping_address: { name: 'A', address_line1: 'B', city: 'C', state: 'D', postal_code: '560001', country_code: 'IN' },
    });
    expect(await (await fetch(given.url)).text()).toContain('data-testid="pay"');
    await runUntilIdle(s);
  });
});
