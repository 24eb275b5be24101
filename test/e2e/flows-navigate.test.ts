// A flow sent in navigate mode: the first screen is rendered at send time from the same
// server state INIT would use, travels in the message (flow_action_payload), and the
// customer's first submit from it is accepted by the endpoint without an INIT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectMatchesFlowJson, flowClient } from '../support/flows.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let client: Awaited<ReturnType<typeof flowClient>>;
const clock = new ManualClock(new Date());
const customer = '919811144455';

beforeAll(async () => {
  s = await startTestServer({ clock });
  const keys = await s.api('/v1/flows/keys', { body: {} });
  client = await flowClient(s, s.merchantId, keys.body.public_key);
  await s.ctx.db.query(`update products set category = 'Drinks' where merchant_id = $1 and retailer_id in ('masala-chai', 'filter-coffee')`, [s.merchantId]);
});
afterAll(async () => {
  await s?.close();
});

const payloadOf = async (messageId: string) =>
  (await s.ctx.db.query<{ payload: any }>(`select payload from whatsapp_messages where id = $1`, [messageId]))[0]!.payload.body;

describe('POST /v1/flows/send with flow_action navigate', () => {
  it('carries the first screen and its data, which the endpoint then continues from', async () => {
    const r = await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food', flow_action: 'navigate' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const params = (await payloadOf(r.body.message_id)).interactive.action.parameters;
    expect(params).toMatchObject({ flow_message_version: '3', flow_token: r.body.flow_token, flow_action: 'navigate' });
    const first = params.flow_action_payload;
    expect(first.screen).toBe('MENU');
    // The payload is the screen INIT would have answered, valid against the Flow JSON.
    expectMatchesFlowJson('order-food.flow.json', { screen: first.screen, data: first.data });
    const init = await client.step(r.body.flow_token, 'INIT');
    expect(init).toEqual({ screen: first.screen, data: first.data });

    // A fresh navigate token: its first submit is accepted straight away (no INIT happened).
    const r2 = await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food', flow_action: 'navigate' } });
    const p2 = (await payloadOf(r2.body.message_id)).interactive.action.parameters.flow_action_payload;
    const drinks = p2.data.categories.find((c: any) => c.title === 'Drinks');
    const items = await client.step(r2.body.flow_token, 'data_exchange', 'MENU', { category: drinks.id });
    expect(items.screen).toBe('ITEMS');
    expect(items.data.error_message).toBeUndefined();
  });

  it('refuses an unknown flow_action with a 400 naming the field', async () => {
    const r = await s.api('/v1/flows/send', { body: { wa_id: customer, flow: 'order_food', flow_action: 'jump' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('flow_action');
  });
});
