// A customer's data: GET /v1/customers/{id}/export (everything we hold, owner only, audited)
// and POST /v1/customers/{id}/erase (owner only, idempotent, audited): names, phone, BSUID,
// message bodies, notes, raw webhook bodies gone; orders, payments and the ledger kept under
// a pseudonym; the same phone writing again is a new customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, otherMerchant } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole, type ConsoleClient } from '../support/users.ts';

let s: TestServer;
let pnid: string;
let owner: ConsoleClient;
const clock = new ManualClock(new Date());
const wa = `9195${String(process.pid % 1000).padStart(3, '0')}12345`;

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}
async function says(body: string, name = 'Lakshmi Iyer') {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body }, name }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await drain();
}

let customerId: string;
let orderId: string;

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  owner = await demoOwner(s);
  await says('Hello, my address is 12 MG Road, flat 4B');
  const c = (await s.api(`/v1/customers?query=${wa}`)).body.data[0];
  customerId = c.id;
  const cnv = (await s.api(`/v1/conversations?customer=${customerId}`)).body.data[0];
  expect((await s.api(`/v1/conversations/${cnv.id}/notes`, { body: { body: 'Lakshmi prefers evening delivery' } })).status).toBe(201);
  const order = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Lakshmi Iyer' } }) });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  orderId = order.body.id;
  await drain();
  await payOrder(s, order.body.payment.url, 'success');
  await drain();
});
afterAll(async () => {
  await s?.close();
});

describe('export', () => {
  it('everything we hold on the person, as JSON; the download is in the audit log', async () => {
    const r = await owner.call(`/v1/customers/${customerId}/export`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get('content-disposition')).toContain(`customer-${customerId}.json`);
    const x = r.body;
    expect(x).toMatchObject({ object: 'customer_export', customer: { id: customerId, wa_id: wa, name: 'Lakshmi Iyer', erased_at: null } });
    expect(JSON.stringify(x.messages)).toContain('12 MG Road');
    expect(x.conversations[0].notes.map((n: any) => n.body)).toEqual(['Lakshmi prefers evening delivery']);
    expect(x.orders.map((o: any) => o.id)).toEqual([orderId]);
    expect(x.payments.length).toBeGreaterThan(0);
    // No secrets: the pay page's token is not in it.
    expect(JSON.stringify(x.payments)).not.toContain('pay_token');
    const audit = (await owner.call('/v1/audit-log?type=export.downloaded&limit=100')).body.data;
    expect(audit.find((a: any) => a.subject === customerId)).toMatchObject({ data: { kind: 'customer', customer_id: customerId } });
  });

  it('owner only (and API keys): admins and agents are refused; unknown, hostile or another merchant’s ids are 4xx', async () => {
    const admin = await userWithRole(s, owner, 'admin');
    const agent = await userWithRole(s, owner, 'agent');
    for (const u of [admin, agent]) {
      expectError(await u.client.call(`/v1/customers/${customerId}/export`), 403, 'forbidden');
      expectError(await u.client.call(`/v1/customers/${customerId}/erase`, { body: {} }), 403, 'forbidden');
    }
    expect((await s.api(`/v1/customers/${customerId}/export`)).status).toBe(200);
    expectError(await s.api('/v1/customers/cus_01aaaaaaaaaaaaaaaaaaaaaaaa/export'), 404, 'not_found');
    expectError(await s.api("/v1/customers/x'%20or%201=1/export"), 400, 'validation_error');
    const other = await otherMerchant(s);
    expectError(await s.api(`/v1/customers/${customerId}/export`, { key: other.key }), 404, 'not_found');
    expectError(await s.api(`/v1/customers/${customerId}/erase`, { body: {}, key: other.key }), 404, 'not_found');
    expect((await s.api(`/v1/customers/${customerId}`)).body.wa_id).toBe(wa);
  });
});

describe('erase', () => {
  it('removes personal data, keeps orders and the ledger under a pseudonym; idempotent; audited once', async () => {
    const ledgerBefore = (await s.api('/v1/ledger/balances')).body;
    const orderBefore = (await s.api(`/v1/orders/${orderId}`)).body;
    const r = await owner.call(`/v1/customers/${customerId}/erase`, { body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: customerId, object: 'customer_erasure', already_erased: false });
    expect(r.body.name).toMatch(/^Erased customer [0-9a-f]{8}$/);
    expect(r.body.changed).toMatchObject({ customers: 1, orders: 1, notes: 1 });
    expect(r.body.changed.messages).toBeGreaterThan(0);
    expect(r.body.changed.webhook_bodies).toBeGreaterThan(0);

    const c = (await s.api(`/v1/customers/${customerId}`)).body;
    expect(c).toMatchObject({ wa_id: null, bsuid: null, username: null, name: r.body.name, profile_name: null, tags: [] });
    const order = (await s.api(`/v1/orders/${orderId}`)).body;
    expect(order.customer).toMatchObject({ id: customerId, wa_id: null, bsuid: null, name: r.body.name });
    expect({ total: order.total, status: order.status, payment_status: order.payment_status }).toEqual({
      total: orderBefore.total,
      status: orderBefore.status,
      payment_status: orderBefore.payment_status,
    });
    expect((await s.api('/v1/ledger/balances')).body).toEqual(ledgerBefore);

    // Nothing of the person is left where we look.
    const x = (await s.api(`/v1/customers/${customerId}/export`)).body;
    const text = JSON.stringify(x);
    for (const gone of ['12 MG Road', 'Lakshmi', wa, 'evening delivery']) expect(text, gone).not.toContain(gone);
    expect(x.customer.erased_at).not.toBeNull();
    const raw = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_inbox where strpos(body, $1) > 0`, [wa]);
    expect(raw[0]!.n).toBe(0);
    const items = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_items where strpos(item::text, $1) > 0`, [wa]);
    expect(items[0]!.n).toBe(0);
    const events = JSON.stringify((await s.api('/v1/events?type=message.received&limit=100')).body);
    expect(events).not.toContain(wa);
    expect(events).not.toContain('12 MG Road');
    const cnv = (await s.api(`/v1/conversations?customer=${customerId}`)).body.data[0];
    expect(cnv.last_message).toBeNull();

    // Again: the same answer, nothing more changed, one audit entry.
    const again = await s.api(`/v1/customers/${customerId}/erase`, { body: {} });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: customerId, already_erased: true, changed: {}, erased_at: r.body.erased_at, name: r.body.name });
    const audit = (await owner.call('/v1/audit-log?type=customer.erased&limit=100')).body.data.filter((a: any) => a.subject === customerId);
    expect(audit).toHaveLength(1);

    // The same phone writing again is a new person to us.
    await says('Hi again', 'Someone');
    const now = (await s.api(`/v1/customers?query=${wa}`)).body.data;
    expect(now).toHaveLength(1);
    expect(now[0].id).not.toBe(customerId);
  });
});
