// The simulated phone's Flow routes over HTTP: the sandbox plays WhatsApp's client (keys
// never reach the page), uses the key registered on the number (else the merchant's),
// reports a stale registered key as WhatsApp would see it (421), and ends a flow with
// an nfm_reply that reaches our webhook through the double's signed delivery.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let wa: { phone_number_id: string; sandbox_access_token: string };
const clock = new ManualClock(new Date());
const customer = '919844455566';

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}

const phone = async (path: string, body?: unknown) => {
  const r = await fetch(
    `${s.base}/sandbox/phone/flows/${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const text = await r.text();
  return { status: r.status, text, body: JSON.parse(text) };
};

const register = (pem: string) =>
  fetch(`${s.base}/sandbox/graph/v24.0/${wa.phone_number_id}/whatsapp_business_encryption`, {
    method: 'POST',
    headers: { authorization: `Bearer ${wa.sandbox_access_token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ business_public_key: pem }).toString(),
  });

/** The wamid of the newest flow message on the customer's phone. */
async function flowMessageId(): Promise<string> {
  const conv = (await (await fetch(`${s.base}/sandbox/customers/${customer}/messages?phone_number_id=${wa.phone_number_id}`)).json()) as any;
  const m = conv.data.filter((x: any) => x.direction === 'in' && x.payload?.type === 'flow').at(-1);
  expect(m).toBeTruthy();
  return m.id;
}

let publicKey: string;
beforeAll(async () => {
  s = await startTestServer({ clock });
  wa = (await s.api('/v1/settings/whatsapp')).body;
  publicKey = (await s.api('/v1/flows/keys', { body: {} })).body.public_key;
  await s.ctx.db.query(`update products set category = 'Drinks' where merchant_id = $1 and retailer_id = 'masala-chai'`, [s.merchantId]);
  const hi = await fetch(`${s.base}/sandbox/customers/${customer}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: wa.phone_number_id, type: 'text', text: { body: 'hi' } }),
  });
  expect(hi.status).toBe(201);
  await drain();
});
afterAll(async () => {
  await s?.close();
});

describe('sandbox phone flows', () => {
  it('opens a flow message without showing keys, and only in its own chat', async () => {
    expect((await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food' } })).status).toBe(201);
    await drain();
    const id = await flowMessageId();
    const open = await phone(`${encodeURIComponent(id)}?wa_id=${customer}`);
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ object: 'sandbox_flow', flow_action: 'data_exchange', flow_cta: 'Order now' });
    expect(open.body.flow_json.screens.map((x: any) => x.id)).toEqual(['MENU', 'ITEMS', 'CART', 'ADDRESS', 'CONFIRM']);
    expect(open.text).not.toMatch(/BEGIN (PUBLIC|PRIVATE|RSA)/);

    expect((await phone(`${encodeURIComponent(id)}?wa_id=919800000001`)).status).toBe(404);
    expect((await phone(`${encodeURIComponent(id)}/exchange`, { wa_id: '919800000001', action: 'INIT' })).status).toBe(404);
    expect((await phone(`wamid.nope/exchange`, { wa_id: customer, action: 'INIT' })).status).toBe(404);
    expect((await phone(`${encodeURIComponent(id)}/exchange`, { wa_id: customer, action: 'ping' })).status).toBe(400);
  });

  it('uses the registered key: a stale one is a 421 the phone shows; the right one works', async () => {
    const id = await flowMessageId();
    const stale = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await register(stale)).status).toBe(200);
    const refused = await phone(`${encodeURIComponent(id)}/exchange`, { wa_id: customer, action: 'INIT' });
    expect(refused.body).toMatchObject({ kind: 'closed', status: 421 });
    expect(refused.body.message).toMatch(/Register it again/);
    expect((await register(publicKey)).status).toBe(200);
    const menu = await phone(`${encodeURIComponent(id)}/exchange`, { wa_id: customer, action: 'INIT' });
    expect(menu.body).toMatchObject({ kind: 'screen', screen: 'MENU' });
  });

  it('walks the flow to SUCCESS; the nfm_reply reaches our webhook and the order is made once', async () => {
    const id = await flowMessageId();
    const go = (action: string, screen?: string, data?: Record<string, unknown>) =>
      phone(`${encodeURIComponent(id)}/exchange`, { wa_id: customer, action, ...(screen ? { screen } : {}), ...(data ? { data } : {}) });
    const menu = (await go('INIT')).body;
    const drinks = menu.data.categories.find((c: any) => c.title === 'Drinks');
    expect((await go('data_exchange', 'MENU', { category: drinks.id })).body.screen).toBe('ITEMS');
    expect((await go('data_exchange', 'ITEMS', { item: 'masala-chai', quantity: '1' })).body.screen).toBe('CART');
    expect((await go('data_exchange', 'CART', { remove: [] })).body.screen).toBe('ADDRESS');
    const confirm = (
      await go('data_exchange', 'ADDRESS', {
        name: 'Asha',
        address_line1: '1 Road',
        address_line2: '',
        city: 'Pune',
        postal_code: '411001',
        country_code: 'IN',
      })
    ).body;
    expect(confirm.screen).toBe('CONFIRM');
    const done = (await go('data_exchange', 'CONFIRM', { confirm: true })).body;
    expect(done.kind).toBe('completed');
    expect(done.params).toMatchObject({ flow_token: expect.stringMatching(/^flt_/), total: '₹249.00' });
    expect(done.reply_message_id).toMatch(/^wamid\./);
    await drain();
    const inbound = await s.ctx.db.query<{ payload: any }>(`select payload from whatsapp_messages where wamid = $1 and direction = 'in'`, [
      done.reply_message_id,
    ]);
    expect(inbound).toHaveLength(1);
    const nfm = inbound[0]!.payload.message?.interactive ?? inbound[0]!.payload.interactive;
    expect(nfm.nfm_reply).toMatchObject({ name: 'flow', body: 'Sent' });
    expect(JSON.parse(nfm.nfm_reply.response_json)).toEqual(done.params);
    expect(await s.ctx.db.query(`select id from orders where flow_token = $1`, [done.params.flow_token])).toHaveLength(1);
    // The flow is over: opening it again gets WhatsApp's 427 text.
    expect((await go('INIT')).body).toEqual({ kind: 'closed', status: 427, message: 'This form has already been submitted.' });
  });

  it("a screen's complete action ends the flow with its payload and the token", async () => {
    expect((await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food' } })).status).toBe(201);
    await drain();
    const id = await flowMessageId();
    const r = await phone(`${encodeURIComponent(id)}/complete`, { wa_id: customer, payload: { rating: '5' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'completed', params: { rating: '5', flow_token: expect.stringMatching(/^flt_/) } });
    await drain();
    const item = await s.ctx.db.query<{ note: string }>(`select note from whatsapp_items where dedupe_key = $1`, [`msg:${r.body.reply_message_id}`]);
    // order_food never reached CONFIRM on this token: nothing is ordered.
    expect(item[0]!.note).toMatch(/never reached CONFIRM/);
  });
});
