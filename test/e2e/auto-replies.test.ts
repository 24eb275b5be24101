// Automatic replies over HTTP and the sandbox phone (manual clock): the settings (validated,
// hostile strings, roles), one keyword list with /v1/flows/keywords, greeting once per 24 h,
// away outside business hours once per 4 h, fallback, plain word matching (never a pattern),
// at most 5 an hour, exactly once under 5x redelivery, never to a cart, a button, a reaction
// or an opted-out customer, and the hand-off: a person's reply pauses automation, which
// resumes after resume_after_minutes (visible on the conversation) or when it is closed.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/index.ts';
import { expectError, expectNo5xx, expectValidation } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

let s: TestServer;
let pnid: string;
// Monday 2026-12-07, 10:00 in Asia/Kolkata (04:30 UTC).
const clock = new ManualClock(new Date('2026-12-07T04:30:00Z'));
let n = 0;
const newWa = () => `9196${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;
const HOURS = { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']] };

async function drain() {
  for (let i = 0; i < 3; i++) {
    await runUntilIdle(s, 100);
    clock.advance(1_000);
  }
}

async function customerSends(wa: string, type: string, payload: unknown) {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type, [type]: payload }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  const id = ((await r.json()) as { id: string }).id;
  await drain();
  return id;
}
const says = (wa: string, body: string) => customerSends(wa, 'text', { body });

/** The automatic replies the customer got, oldest first: texts, or the interactive type. */
async function autoReplies(wa: string): Promise<string[]> {
  const msgs = (await s.api(`/v1/messages?wa_id=${wa}&limit=100`)).body.data as any[];
  return msgs
    .filter((m) => m.direction === 'outbound' && (m.purpose === 'auto_reply' || String(m.purpose).startsWith('flow:')))
    .reverse()
    .map((m) => m.content?.text?.body ?? `${m.type}:${m.content?.interactive?.type ?? ''}`);
}

const put = (body: unknown, key?: string) => s.api('/v1/settings/auto-replies', { method: 'PUT', body, ...(key ? { key } : {}) });

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata' } })).status).toBe(200);
  for (const [retailer_id, name] of [
    ['chai-1', 'Masala chai'],
    ['samosa-2', 'Samosa'],
  ])
    expect((await s.api('/v1/products', { body: { retailer_id, name, price: 4_000, currency: 'INR' } })).status).toBe(201);
});
afterAll(async () => {
  await s?.close();
});

describe('settings', () => {
  it('defaults: everything off; PUT sets the parts named and answers the whole; GET is the same', async () => {
    const d = (await s.api('/v1/settings/auto-replies')).body;
    expect(d).toMatchObject({
      object: 'auto_replies',
      greeting: { enabled: false, text: null },
      away: { enabled: false, text: null, hours: {} },
      keywords: [],
      fallback: { enabled: false, text: null },
      resume_after_minutes: 60,
      time_zone: 'Asia/Kolkata',
    });
    const r = await put({
      greeting: { enabled: true, text: 'Namaste! How can we help?' },
      away: { enabled: true, text: 'We are closed now; we open at 9:00.', hours: HOURS },
      fallback: { enabled: true, text: 'Thanks! Someone will answer soon.' },
      keywords: [
        { match: '  Opening   HOURS ', reply: { type: 'text', text: 'We are open 9:00 to 18:00, Monday to Wednesday.' } },
        { match: '.*', reply: { type: 'text', text: 'You typed dot star.' } },
        { match: 'catalog', reply: { type: 'catalog', body: 'Our menu', thumbnail_retailer_id: 'chai-1' } },
        {
          match: 'snacks',
          reply: { type: 'product_list', header: 'Snacks', body: 'Pick yours', sections: [{ title: 'Hot', retailer_ids: ['chai-1', 'samosa-2'] }] },
        },
      ],
      resume_after_minutes: 30,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.keywords.map((k: any) => k.match)).toEqual(['.*', 'catalog', 'opening hours', 'snacks']);
    expect(r.body.resume_after_minutes).toBe(30);
    expect((await s.api('/v1/settings/auto-replies')).body).toEqual(r.body);
    // A part left out is kept.
    const only = await put({ resume_after_minutes: 30 });
    expect(only.body.greeting).toEqual({ enabled: true, text: 'Namaste! How can we help?' });
    expect(only.body.keywords).toHaveLength(4);
  });

  it('one keyword list with /v1/flows/keywords', async () => {
    expect((await s.api('/v1/flows/keys', { body: {} })).status).toBe(201);
    expect((await s.api('/v1/flows/keywords/menu', { method: 'PUT', body: { flow: 'order_food' } })).status).toBe(200);
    const all = (await s.api('/v1/settings/auto-replies')).body.keywords;
    expect(all).toContainEqual({ match: 'menu', reply: { type: 'flow', flow: 'order_food' } });
    // /v1/flows/keywords shows the flow ones only.
    expect((await s.api('/v1/flows/keywords')).body.data.map((k: any) => k.keyword)).toEqual(['menu']);
    // A flow keyword over a text keyword replaces it: the same list, one reply per keyword.
    expect((await s.api('/v1/flows/keywords/catalog', { method: 'PUT', body: { flow: 'order_food' } })).body.created).toBe(false);
    expectError(await s.api('/v1/flows/keywords/snacks', { method: 'DELETE' }), 404, 'not_found');
    // PUT with keywords replaces the whole list, flow keywords included.
    const r = await put({
      keywords: [...all.filter((k: any) => k.match !== 'menu'), { match: 'Menu', reply: { type: 'flow', flow: 'order_food' } }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.keywords.find((k: any) => k.match === 'catalog').reply.type).toBe('catalog');
    expect((await s.api('/v1/flows/keywords')).body.data.map((k: any) => k.keyword)).toEqual(['menu']);
  });

  it('refuses what cannot be sent or matched, hostile strings included (400, never 500)', async () => {
    const before = (await s.api('/v1/settings/auto-replies')).body;
    const kw = (reply: unknown, match = 'x') => ({ keywords: [{ match, reply }] });
    expectValidation(await put(kw({ type: 'flow', flow: 'no_such_flow' })), 'keywords.0.reply.flow');
    expectValidation(await put(kw({ type: 'catalog', body: 'x', thumbnail_retailer_id: 'nope' })), 'keywords.0.reply');
    expectValidation(
      await put(kw({ type: 'product_list', header: 'h', body: 'b', sections: [{ retailer_ids: ["'; drop table products; --"] }] })),
      'keywords.0.reply',
    );
    expectValidation(await put(kw({ type: 'text', text: 'x' }, 'STOP')), 'keywords.0.match');
    expectValidation(await put(kw({ type: 'text', text: 'x' }, '   ')), 'keywords.0.match');
    expectValidation(await put(kw({ type: 'text', text: 'x' }, 'a'.repeat(61))), 'keywords.0.match');
    expectValidation(
      await put({
        keywords: [
          { match: 'Hi', reply: { type: 'text', text: 'a' } },
          { match: 'hi ', reply: { type: 'text', text: 'b' } },
        ],
      }),
      'keywords.1.match',
    );
    expectValidation(await put(kw({ type: 'text', text: 'a\u0000b' })), 'keywords.0.reply.text');
    expectValidation(await put(kw({ type: 'text', text: '   ' })), 'keywords.0.reply.text');
    expectValidation(await put(kw({ type: 'regex', pattern: '.*' })), 'keywords.0.reply.type');
    expectValidation(await put({ greeting: { enabled: true, text: null } }), 'greeting.text');
    expectValidation(await put({ away: { enabled: true, text: 'x', hours: { mon: [['18:00', '09:00']] } } }), 'away.hours');
    expectValidation(await put({ away: { enabled: true, text: 'x', hours: { funday: [['09:00', '10:00']] } } }), 'away.hours.funday');
    expectValidation(await put({ away: { enabled: true, text: 'x', hours: { mon: [['9am', '10:00']] } } }), 'away.hours.mon.0.0');
    expectValidation(await put({ resume_after_minutes: 0 }), 'resume_after_minutes');
    expectError(await put({ greeting: { enabled: true, text: 'x' }, extra: true }), 400, 'validation_error');
    // Nothing of a refused PUT stays.
    expect((await s.api('/v1/settings/auto-replies')).body).toEqual(before);
    await expectNo5xx(s);
  });

  it('agents read the settings; owners and admins change them', async () => {
    const owner = await demoOwner(s);
    const agent = await userWithRole(s, owner, 'agent');
    const admin = await userWithRole(s, owner, 'admin');
    expect((await agent.client.call('/v1/settings/auto-replies')).status).toBe(200);
    expectError(await agent.client.call('/v1/settings/auto-replies', { method: 'PUT', body: { resume_after_minutes: 5 } }), 403, 'forbidden');
    const r = await admin.client.call('/v1/settings/auto-replies', { method: 'PUT', body: { resume_after_minutes: 30 } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});

describe('answering', () => {
  it('greeting once per 24 h, then the fallback; keywords first, matched as words, never as a pattern', async () => {
    const wa = newWa();
    await says(wa, 'hello');
    await says(wa, 'Is the shop open?');
    await says(wa, 'OPENING hours');
    await says(wa, 'anything');
    await says(wa, '.*');
    expect(await autoReplies(wa)).toEqual([
      'Namaste! How can we help?',
      'Thanks! Someone will answer soon.',
      'We are open 9:00 to 18:00, Monday to Wednesday.',
      'Thanks! Someone will answer soon.',
      'You typed dot star.',
    ]);
    clock.advance(24 * 3600_000); // Tuesday 10:00: open, and a day later
    await says(wa, 'Good morning');
    expect((await autoReplies(wa)).at(-1)).toBe('Namaste! How can we help?');
  });

  it('at most 5 automatic replies per customer per hour', async () => {
    const wa = newWa();
    for (let i = 0; i < 7; i++) await says(wa, `question ${i}`);
    expect(await autoReplies(wa)).toHaveLength(5);
    clock.advance(3600_000);
    await says(wa, 'one more');
    expect(await autoReplies(wa)).toHaveLength(6);
  });

  it('away outside business hours (in the business time zone), once per 4 h', async () => {
    clock.advance(10 * 3600_000); // past 18:00 in Kolkata
    const wa = newWa();
    await says(wa, 'hi, are you there?');
    await says(wa, 'hello?');
    expect(await autoReplies(wa)).toEqual(['We are closed now; we open at 9:00.']);
    clock.advance(4 * 3600_000);
    await says(wa, 'still closed?');
    expect(await autoReplies(wa)).toEqual(['We are closed now; we open at 9:00.', 'We are closed now; we open at 9:00.']);
    // A keyword still answers outside hours.
    await says(wa, 'opening hours');
    expect((await autoReplies(wa)).at(-1)).toBe('We are open 9:00 to 18:00, Monday to Wednesday.');
    clock.advance(14 * 3600_000); // back within hours
  });

  it('catalog and product list keywords; a flow keyword', async () => {
    const wa = newWa();
    await says(wa, 'catalog');
    await says(wa, 'snacks');
    await says(wa, 'menu');
    const got = await autoReplies(wa);
    expect(got).toEqual(['interactive:catalog_message', 'interactive:product_list', 'interactive:flow']);
    // The phone shows them (the sandbox accepted each).
    const phone = (await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json()) as any;
    const kinds = phone.data.filter((m: any) => m.direction === 'in').map((m: any) => m.payload?.type ?? m.type);
    expect(kinds).toEqual(expect.arrayContaining(['catalog_message', 'product_list', 'flow']));
  });

  it('never in answer to a cart, a button, a reaction; a location gets the greeting', async () => {
    const wa = newWa();
    const catalogId = (await s.api('/v1/settings/whatsapp')).body.catalog_id;
    await customerSends(wa, 'order', { catalog_id: catalogId, product_items: [{ product_retailer_id: 'chai-1', quantity: 1 }] });
    await customerSends(wa, 'button', { text: 'Confirm', payload: 'confirm' });
    const first = await says(wa, 'menu please');
    await customerSends(wa, 'reaction', { message_id: first, emoji: '👍' });
    const replies = await autoReplies(wa);
    // The cart gets its bill (purpose bill), not an automatic reply; the text got the greeting; nothing else.
    expect(replies.filter((r) => r === 'Namaste! How can we help?')).toHaveLength(1);
    expect(replies.filter((r) => r.startsWith('Thanks!'))).toHaveLength(0);
    const wa2 = newWa();
    await customerSends(wa2, 'location', { latitude: 19.07, longitude: 72.87 });
    expect(await autoReplies(wa2)).toEqual(['Namaste! How can we help?']);
  });

  it('never to an opted-out customer', async () => {
    const wa = newWa();
    await says(wa, 'STOP');
    await says(wa, 'opening hours');
    await says(wa, 'hello');
    expect(await autoReplies(wa)).toEqual([]);
    await says(wa, 'START');
    await says(wa, 'opening hours');
    expect(await autoReplies(wa)).toEqual(['We are open 9:00 to 18:00, Monday to Wednesday.']);
  });

  it('exactly one automatic reply under 5x redelivery of the same message', async () => {
    const wa = newWa();
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    const secret = await whatsappAppSecret(s.ctx, s.ctx.db);
    const message = {
      from: wa,
      id: `wamid.ar${Date.now().toString(36)}`,
      timestamp: String(Math.floor(clock.now().getTime() / 1000)),
      type: 'text',
      text: { body: 'hi' },
    };
    for (let i = 0; i < 5; i++) {
      // Each delivery a different body (Meta batches differently), the same message.
      const value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: settings.display_phone_number, phone_number_id: pnid },
        contacts: [{ profile: { name: `Ravi ${i}` }, wa_id: wa }],
        messages: [message],
      };
      const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: settings.waba_id, changes: [{ value, field: 'messages' }] }] });
      const sig = `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
      const r = await fetch(`${s.base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
        body: raw,
      });
      expect(r.status).toBe(200);
      if (i % 2 === 0) await drain();
    }
    await drain();
    expect(await autoReplies(wa)).toEqual(['Namaste! How can we help?']);
    const rows = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from auto_replies where inbound_wamid = $1`, [message.id]);
    expect(rows[0]!.n).toBe(1);
    // The unique key itself: answering the same stored message again sends nothing.
    const cnv = (await s.api(`/v1/conversations?limit=100`)).body.data.find((c: any) => c.customer.wa_id === wa);
    const note = await s.ctx.db.transaction((tx) =>
      s.ctx.inbound.autoReply(s.ctx, tx, {
        merchantId: s.merchantId,
        customerId: cnv.customer.id,
        conversationId: cnv.id,
        wamid: message.id,
        type: 'text',
        text: 'hi',
      }),
    );
    expect(note).toMatch(/already sent|within 24 hours|no automatic reply/);
    expect(await autoReplies(wa)).toHaveLength(1);
  });

  it('a person replies: automation pauses; it resumes after resume_after_minutes without staff, or on close', async () => {
    const wa = newWa();
    await says(wa, 'hello');
    let c = (await s.api('/v1/conversations?limit=100')).body.data.find((x: any) => x.customer.wa_id === wa);
    expect(c.automation).toBe('on');
    const sent = await s.api('/v1/messages', { body: { customer: c.customer.id, type: 'text', text: { body: 'Hi, Priya here. How can I help?' } } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    c = (await s.api(`/v1/conversations/${c.id}`)).body;
    expect(c.automation).toBe('paused');
    await says(wa, 'I want to change my order');
    await says(wa, 'opening hours');
    expect(await autoReplies(wa)).toEqual(['Namaste! How can we help?']);
    // 30 quiet minutes: the job turns automation back on, visibly.
    clock.advance(30 * 60_000);
    await drain();
    expect((await s.api(`/v1/conversations/${c.id}`)).body.automation).toBe('on');
    await says(wa, 'opening hours');
    expect((await autoReplies(wa)).at(-1)).toBe('We are open 9:00 to 18:00, Monday to Wednesday.');

    // Paused again; closing hands it back to automation at once.
    expect((await s.api('/v1/messages', { body: { customer: c.customer.id, type: 'text', text: { body: 'Done!' } } })).status).toBe(201);
    expect((await s.api(`/v1/conversations/${c.id}`)).body.automation).toBe('paused');
    expect((await s.api(`/v1/conversations/${c.id}/close`, { method: 'POST' })).body.automation).toBe('on');
    await says(wa, 'opening hours');
    expect((await autoReplies(wa)).filter((t) => t.startsWith('We are open'))).toHaveLength(2);
    // A staff reply after an older pause's job was scheduled: the old job does not resume early.
    expect((await s.api('/v1/messages', { body: { customer: c.customer.id, type: 'text', text: { body: 'One more thing' } } })).status).toBe(201);
    clock.advance(20 * 60_000);
    expect((await s.api('/v1/messages', { body: { customer: c.customer.id, type: 'text', text: { body: 'And another' } } })).status).toBe(201);
    clock.advance(15 * 60_000); // the first job is due, 15 min after the second reply
    await drain();
    expect((await s.api(`/v1/conversations/${c.id}`)).body.automation).toBe('paused');
    clock.advance(15 * 60_000);
    await drain();
    expect((await s.api(`/v1/conversations/${c.id}`)).body.automation).toBe('on');
  });
});
