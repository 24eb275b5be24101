// The nfm_reply completion webhook of the order-food flow, end to end: requests to the
// data endpoint encrypted by the test's own client (test/support/flows.ts) and nfm_reply
// webhooks signed here with Node's HMAC, posted to /webhooks/whatsapp as Meta does.
// The order is made once per flow token whichever path gets there first, only from
// server state (never from response_json), and tokens that are not this merchant's
// for this customer, replays and malformed response_json change nothing.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { issueFlowToken } from '../../src/modules/flows/flows.tokens.ts';
import { orderFood } from '../../src/modules/flows/definitions/order-food.flow.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { getFlowToken } from '../../src/modules/flows/flows.repository.ts';
import { otherMerchant } from '../support/e2e.ts';
import { flowClient } from '../support/flows.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let client: Awaited<ReturnType<typeof flowClient>>;
let secret: string;
let settings: { phone_number_id: string; display_phone_number: string; waba_id: string };
const clock = new ManualClock(new Date());
const customer = '919822233344';
const address = { name: 'Asha Rao', address_line1: '12 MG Road', address_line2: '', city: 'Bengaluru', postal_code: '560001', country_code: 'IN' };
let seq = 0;

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}

async function newToken(wa = customer): Promise<string> {
  const r = await s.api('/v1/flows/send', { body: { wa_id: wa, flow: 'order_food' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.flow_token;
}

/** MENU → ITEMS → CART → ADDRESS → CONFIRM shown (the order is not placed yet). */
async function toConfirm(token: string) {
  const menu = await client.step(token, 'INIT');
  const drinks = menu.data.categories.find((c: any) => c.title === 'Drinks');
  await client.step(token, 'data_exchange', 'MENU', { category: drinks.id });
  await client.step(token, 'data_exchange', 'ITEMS', { item: 'masala-chai', quantity: '2' });
  await client.step(token, 'data_exchange', 'CART', {});
  const confirm = await client.step(token, 'data_exchange', 'ADDRESS', address);
  expect(confirm.screen).toBe('CONFIRM');
}

/** Meta's webhook body for one nfm_reply (response_json is a string, as on the wire). */
function nfmBody(wa: string, responseJson: string, wamid = `wamid.nfm${Date.now().toString(36)}${++seq}`) {
  const message = {
    context: { from: settings.display_phone_number, id: 'wamid.flowmessage' },
    from: wa,
    id: wamid,
    timestamp: String(Math.floor(clock.now().getTime() / 1000)),
    type: 'interactive',
    interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } },
  };
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: settings.display_phone_number, phone_number_id: settings.phone_number_id },
    contacts: [{ profile: { name: 'Asha' }, wa_id: wa }],
    messages: [message],
  };
  return { wamid, raw: JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: settings.waba_id, changes: [{ value, field: 'messages' }] }] }) };
}

/** Posts it signed (HMAC-SHA256 of the exact bytes with the app secret) and processes it. */
async function deliver(raw: string) {
  const sig = `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
  const res = await fetch(`${s.base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
    body: raw,
  });
  expect(res.status, await res.text()).toBe(200);
  await drain();
}

const ordersOf = (token: string) =>
  s.ctx.db.query<{ id: string; total: number; merchant_id: string }>(`select id, total, merchant_id from orders where flow_token = $1`, [token]);
const itemOf = async (wamid: string) =>
  (await s.ctx.db.query<{ status: string; note: string | null }>(`select status, note from whatsapp_items where dedupe_key = $1`, [`msg:${wamid}`]))[0];
const storedIn = async (wamid: string) =>
  (await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_messages where wamid = $1 and direction = 'in'`, [wamid]))[0]!.n;

beforeAll(async () => {
  s = await startTestServer({ clock });
  secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  settings = (await s.api('/v1/settings/whatsapp')).body;
  const keys = await s.api('/v1/flows/keys', { body: {} });
  client = await flowClient(s, s.merchantId, keys.body.public_key);
  await s.ctx.db.query(`update products set category = 'Drinks' where merchant_id = $1 and retailer_id in ('masala-chai', 'filter-coffee')`, [s.merchantId]);
  for (const wa of [customer, '919822233355']) {
    const hi = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: settings.phone_number_id, type: 'text', text: { body: 'hi' } }),
    });
    expect(hi.status).toBe(201);
  }
  await drain();
});
afterAll(async () => {
  await s?.close();
});

describe('nfm_reply completion', () => {
  it('creates the order from server state when the webhook comes first; response_json prices are ignored', async () => {
    const token = await newToken();
    await toConfirm(token);
    expect(await ordersOf(token)).toEqual([]);
    const lie = JSON.stringify({ flow_token: token, total: '1', items: [{ retailer_id: 'masala-chai', quantity: 99, price: 1 }] });
    const { wamid, raw } = nfmBody(customer, lie);
    await deliver(raw);
    const orders = await ordersOf(token);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.total).toBe(49_800);
    const order = (await s.api(`/v1/orders/${orders[0]!.id}`)).body;
    expect(order.items).toMatchObject([{ retailer_id: 'masala-chai', quantity: 2, amount: 24_900 }]);
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('completed');
    expect(await itemOf(wamid)).toMatchObject({ status: 'processed', note: expect.stringContaining(`created ${orders[0]!.id}`) });
    // The endpoint now refuses the token: the flow is done.
    const late = await client.send({ version: '3.0', action: 'data_exchange', screen: 'CONFIRM', flow_token: token, data: { confirm: true } });
    expect(late.status).toBe(427);
    expect(await ordersOf(token)).toHaveLength(1);
    // The bill went out.
    const bill = (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.find((m: any) => m.purpose === 'bill' && m.order_id === orders[0]!.id);
    expect(bill).toBeTruthy();
  });

  it('data_exchange then nfm_reply: one order; a replayed or repeated nfm_reply does nothing new', async () => {
    const token = await newToken();
    await toConfirm(token);
    const done = await client.step(token, 'data_exchange', 'CONFIRM', { confirm: true });
    expect(done.screen).toBe('SUCCESS');
    const orderId = done.data.extension_message_response.params.order_id;
    const reply = nfmBody(customer, JSON.stringify(done.data.extension_message_response.params));
    await deliver(reply.raw);
    expect((await ordersOf(token)).map((o) => o.id)).toEqual([orderId]);
    expect((await itemOf(reply.wamid))!.note).toContain(`already had ${orderId}`);
    const sentCount = async () => (await s.api(`/v1/messages?wa_id=${customer}`)).body.data.filter((m: any) => m.direction === 'outbound').length;
    const messagesBefore = await sentCount();
    expect(messagesBefore).toBeGreaterThan(0);
    // The same webhook again (Meta redelivers), and a second nfm_reply for the token.
    await deliver(reply.raw);
    await deliver(nfmBody(customer, JSON.stringify({ flow_token: token })).raw);
    expect(await storedIn(reply.wamid)).toBe(1);
    expect((await ordersOf(token)).map((o) => o.id)).toEqual([orderId]);
    expect(await sentCount()).toBe(messagesBefore);
  });

  it('ignores a token of another merchant or of another customer, with a warning event', async () => {
    const other = await otherMerchant(s, 'Other shop');
    const foreign = await s.ctx.db.transaction((tx) => issueFlowToken(s.ctx, tx, { merchantId: other.merchantId, waId: customer, def: orderFood }));
    const a = nfmBody(customer, JSON.stringify({ flow_token: foreign.token }));
    await deliver(a.raw);
    expect(await itemOf(a.wamid)).toMatchObject({ status: 'processed', note: expect.stringContaining('ignored') });
    expect((await getFlowToken(s.ctx.db, foreign.token))!.status).toBe('active');

    const theirs = await newToken('919822233355');
    await toConfirm(theirs);
    const b = nfmBody(customer, JSON.stringify({ flow_token: theirs }));
    await deliver(b.raw);
    expect((await itemOf(b.wamid))!.note).toContain('ignored');
    expect(await ordersOf(theirs)).toEqual([]);
    expect((await getFlowToken(s.ctx.db, theirs))!.status).toBe('active');

    const events = await s.ctx.db.query<{ data: any }>(`select data from events where merchant_id = $1 and type = 'flow.completion_ignored'`, [s.merchantId]);
    expect(events.map((e) => e.data.wamid).sort()).toEqual([a.wamid, b.wamid].sort());
    expect(await s.ctx.db.query(`select 1 from events where merchant_id = $1 and type = 'flow.completion_ignored'`, [other.merchantId])).toEqual([]);
  });

  it('stores a malformed response_json, answers 200 and does nothing else', async () => {
    const token = await newToken();
    await toConfirm(token);
    for (const bad of ['{not json', '[1,2]', JSON.stringify({ no_token: true })]) {
      const m = nfmBody(customer, bad);
      await deliver(m.raw);
      expect(await storedIn(m.wamid)).toBe(1);
      expect(await itemOf(m.wamid)).toMatchObject({ status: 'processed', note: expect.stringMatching(/nothing done/) });
    }
    expect(await ordersOf(token)).toEqual([]);
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('active');
  });

  it('a flow that never reached CONFIRM makes no order', async () => {
    const token = await newToken();
    await client.step(token, 'INIT');
    const m = nfmBody(customer, JSON.stringify({ flow_token: token }));
    await deliver(m.raw);
    expect((await itemOf(m.wamid))!.note).toMatch(/never reached CONFIRM/);
    expect(await ordersOf(token)).toEqual([]);
    expect((await getFlowToken(s.ctx.db, token))!.status).toBe('active');
  });
});
