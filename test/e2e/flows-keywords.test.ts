// Keywords that answer with a flow: the API (normalized, unique per merchant, checked
// against the flows we serve, per merchant), and a customer's text through the sandbox
// Cloud API reaching our webhook: the keyword gets the flow message with a fresh token,
// a redelivered webhook sends nothing more, other text is handled as before.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { expectError, expectValidation, otherMerchant } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(3_000);
  }
}

async function customerSays(wa: string, body: string) {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body } }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

/** What the customer's phone shows from the shop (the sandbox's conversation). */
async function flowMessagesOnPhone(wa: string) {
  const conv = await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json();
  return (conv as any).data.filter((m: any) => m.direction === 'in' && m.type === 'interactive' && m.payload?.type === 'flow');
}

const sentFlows = async (wa: string) => (await s.api(`/v1/messages?wa_id=${wa}`)).body.data.filter((m: any) => m.purpose === 'flow:order_food');

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  expect((await s.api('/v1/flows/keys', { body: {} })).status).toBe(201);
});
afterAll(async () => {
  await s?.close();
});

describe('flow keywords API', () => {
  it('sets, lists, replaces and deletes keywords, normalized', async () => {
    const put = await s.api(`/v1/flows/keywords/${encodeURIComponent('  Menu   PLEASE ')}`, { method: 'PUT', body: { flow: 'order_food' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ object: 'flow_keyword', keyword: 'menu please', flow: 'order_food', flow_id: null, created: true });
    const again = await s.api(`/v1/flows/keywords/MENU%20please`, { method: 'PUT', body: { flow: 'order_food', flow_id: '123456' } });
    expect(again.body).toMatchObject({ keyword: 'menu please', flow_id: '123456', created: false });
    const list = await s.api('/v1/flows/keywords');
    expect(list.body.data.map((k: any) => [k.keyword, k.flow_id])).toEqual([['menu please', '123456']]);

    const other = await otherMerchant(s, 'Keyword neighbour');
    expect((await s.api('/v1/flows/keywords', { key: other.key })).body.data).toEqual([]);
    expectError(await s.api('/v1/flows/keywords/menu%20please', { method: 'DELETE', key: other.key }), 404, 'not_found');

    const del = await s.api('/v1/flows/keywords/Menu%20Please', { method: 'DELETE' });
    expect(del.body).toEqual({ object: 'flow_keyword', keyword: 'menu please', deleted: true });
    expectError(await s.api('/v1/flows/keywords/menu%20please', { method: 'DELETE' }), 404, 'not_found');
    expect((await s.api('/v1/flows/keywords')).body.data).toEqual([]);
  });

  it('refuses unknown flows, opt-in/out words, blank and over-long keywords', async () => {
    expectValidation(await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'no_such_flow' } }), 'flow');
    expectValidation(await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food', flow_id: 'abc' } }), 'flow_id');
    expectValidation(await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food', extra: 1 } }), 'extra');
    expectValidation(await s.api('/v1/flows/keywords/STOP', { method: 'PUT', body: { flow: 'order_food' } }), 'keyword');
    expectValidation(await s.api('/v1/flows/keywords/start', { method: 'PUT', body: { flow: 'order_food' } }), 'keyword');
    expectValidation(await s.api('/v1/flows/keywords/%20%20', { method: 'PUT', body: { flow: 'order_food' } }), 'keyword');
    expectValidation(await s.api(`/v1/flows/keywords/${'a'.repeat(61)}`, { method: 'PUT', body: { flow: 'order_food' } }), 'keyword');
    expectError(await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food' }, key: null }), 401, 'unauthorized');
  });

  it('keywords are not a WhatsApp setting: PATCH /v1/settings/whatsapp refuses the field instead of ignoring it', async () => {
    expectValidation(await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { keywords: { menu: 'order_food' } } }), 'keywords');
    expect((await s.api('/v1/settings/whatsapp')).body).not.toHaveProperty('keywords');
  });

  it('refuses a keyword while the merchant has no Flows key pair (409 naming the fix), and stores nothing', async () => {
    const fresh = await otherMerchant(s, 'No keys yet');
    const r = await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food' }, key: fresh.key });
    expectError(r, 409, 'conflict');
    expect(r.body.error.message).toContain('chatcart flows keygen');
    expect(r.body.error.message).toContain('POST /v1/flows/keys');
    expect((await s.api('/v1/flows/keywords', { key: fresh.key })).body.data).toEqual([]);
  });
});

describe('sending a flow to a customer who opted out', () => {
  it('is refused with 409 customer_opted_out and queues nothing; START opts in again', async () => {
    const wa = '919833344488';
    await customerSays(wa, 'STOP');
    await drain();
    const before = (await s.api(`/v1/messages?wa_id=${wa}`)).body.data.length;
    const r = await s.api('/v1/flows/send', { body: { wa_id: wa, flow: 'order_food' } });
    expectError(r, 409, 'customer_opted_out');
    expect(r.body.error.message).toContain('START');
    expect((await s.api(`/v1/messages?wa_id=${wa}`)).body.data.length).toBe(before);
    const tokens = await s.ctx.db.query(`select 1 from flow_tokens where merchant_id = $1 and wa_id = $2`, [s.merchantId, wa]);
    expect(tokens).toEqual([]);

    await customerSays(wa, 'START');
    await drain();
    expect((await s.api('/v1/flows/send', { body: { wa_id: wa, flow: 'order_food' } })).status).toBe(201);
  });
});

describe('keyword messages', () => {
  it('answers a keyword with the flow message, once, and leaves other text alone', async () => {
    expect((await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food' } })).status).toBe(200);
    const wa = '919833344455';
    await customerSays(wa, 'hello there');
    await customerSays(wa, 'menus');
    await drain();
    expect(await sentFlows(wa)).toEqual([]);

    await customerSays(wa, '  MENU ');
    await drain();
    const onPhone = await flowMessagesOnPhone(wa);
    expect(onPhone).toHaveLength(1);
    const params = onPhone[0].payload.action.parameters;
    expect(params).toMatchObject({ flow_message_version: '3', flow_name: 'chatcart_order_food', flow_action: 'data_exchange', flow_cta: 'Order now' });
    const tokens = await s.ctx.db.query<{ token: string; wa_id: string; flow_name: string; status: string }>(
      `select token, wa_id, flow_name, status from flow_tokens where merchant_id = $1 and wa_id = $2`,
      [s.merchantId, wa],
    );
    expect(tokens).toEqual([{ token: params.flow_token, wa_id: wa, flow_name: 'order_food', status: 'active' }]);
  });

  it('a redelivered keyword webhook sends no second flow message', async () => {
    const wa = '919833344466';
    await customerSays(wa, 'hi');
    await drain();
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    const message = {
      from: wa,
      id: `wamid.kw${Date.now().toString(36)}`,
      timestamp: String(Math.floor(clock.now().getTime() / 1000)),
      type: 'text',
      text: { body: 'Menu' },
    };
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: settings.display_phone_number, phone_number_id: pnid },
      contacts: [{ profile: { name: 'Ravi' }, wa_id: wa }],
      messages: [message],
    };
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: settings.waba_id, changes: [{ value, field: 'messages' }] }] });
    const sig = `sha256=${crypto
      .createHmac('sha256', await whatsappAppSecret(s.ctx, s.ctx.db))
      .update(raw)
      .digest('hex')}`;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${s.base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
        body: raw,
      });
      expect(r.status).toBe(200);
      await drain();
    }
    expect(await sentFlows(wa)).toHaveLength(1);
    expect((await s.ctx.db.query(`select 1 from flow_tokens where wa_id = $1`, [wa])).length).toBe(1);
  });

  it('a keyword while the merchant has no Flows keys: noted, nothing sent, no crash', async () => {
    const wa = '919833344477';
    await customerSays(wa, 'hi');
    await drain();
    await s.ctx.db.query(`delete from flow_keys where merchant_id = $1`, [s.merchantId]);
    try {
      const wamid = await customerSays(wa, 'menu');
      await drain();
      const item = (
        await s.ctx.db.query<{ status: string; note: string }>(`select status, note from whatsapp_items where dedupe_key = $1`, [`msg:${wamid}`])
      )[0]!;
      expect(item.status).toBe('processed');
      expect(item.note).toMatch(/^keyword "menu": flow order_food not sent: This merchant has no Flows key pair/);
      expect(await sentFlows(wa)).toEqual([]);
      expect(await s.ctx.db.query(`select 1 from flow_tokens where wa_id = $1`, [wa])).toEqual([]);
    } finally {
      expect((await s.api('/v1/flows/keys', { body: {} })).status).toBe(201);
    }
  });
});
