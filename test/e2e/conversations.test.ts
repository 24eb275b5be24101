// The inbox API over HTTP in sandbox mode: a customer's text makes (or reopens) their
// conversation, listed newest activity first with a cursor; its messages; read (unread to zero
// and a read receipt on the customer's phone); assign to an agent (who finds it as "me"),
// close and reopen; internal notes; the message.received event with the customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { messagesBody } from '../../src/adapters/whatsapp/webhook.schema.test-support.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/index.ts';
import { processInbox } from '../../src/modules/whatsapp/whatsapp.inbound.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
let n = 0;
const newCustomer = () => `9197${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

async function says(wa: string, body: string, name?: string) {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body }, ...(name ? { name } : {}) }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await drain();
}

async function drain() {
  for (let i = 0; i < 4; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}

const conversationOf = async (wa: string) => {
  const all = (await s.api('/v1/conversations?limit=100')).body.data;
  return all.find((c: any) => c.customer.wa_id === wa);
};

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  await s?.close();
});

describe('conversations', () => {
  it("a customer's text appears in GET /v1/conversations, newest activity first, with a cursor", async () => {
    const [a, b, c] = [newCustomer(), newCustomer(), newCustomer()];
    await says(a, 'Hello, are you open today?', 'Asha');
    await says(b, 'Do you deliver?');
    await says(c, 'Price of chai?');
    await says(a, 'Also, do you have masala chai?');
    const list = (await s.api('/v1/conversations?limit=100')).body.data;
    const mine = list.filter((x: any) => [a, b, c].includes(x.customer.wa_id));
    expect(mine.map((x: any) => x.customer.wa_id)).toEqual([a, c, b]);
    expect(mine[0]).toMatchObject({
      object: 'conversation',
      status: 'open',
      assigned_to: null,
      unread_count: 2,
      automation: 'on',
      customer: { wa_id: a, name: 'Asha' },
      last_message: { direction: 'in', type: 'text', preview: 'Also, do you have masala chai?' },
    });
    expect(mine[0].id).toMatch(/^cnv_/);
    expect(mine[0].customer.id).toMatch(/^cus_/);
    expect(Date.parse(mine[0].window_expires_at)).toBeGreaterThan(clock.now().getTime());

    // The cursor walks the same order, one at a time.
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 200; i++) {
      const p = (await s.api(`/v1/conversations?limit=1${after ? `&starting_after=${after}` : ''}`)).body;
      seen.push(...p.data.map((x: any) => x.id));
      if (!p.has_more) break;
      after = p.data[p.data.length - 1].id;
    }
    expect(seen).toEqual(list.map((x: any) => x.id));

    const msgs = (await s.api(`/v1/conversations/${mine[0].id}/messages`)).body.data;
    expect(msgs.map((m: any) => m.content?.text?.body)).toEqual(['Also, do you have masala chai?', 'Hello, are you open today?']);
    expect(msgs[0]).toMatchObject({ direction: 'inbound', conversation_id: mine[0].id, customer_id: mine[0].customer.id });

    // The message.received event, with the customer.
    const events = (await s.api('/v1/events?type=message.received&limit=100')).body.data;
    const ev = events.find((e: any) => e.data.message_id === msgs[0].id);
    expect(ev.data).toMatchObject({ conversation_id: mine[0].id, type: 'text', customer: { id: mine[0].customer.id, wa_id: a, name: 'Asha' } });
  });

  it('read: unread to zero and a read receipt on the phone', async () => {
    const wa = newCustomer();
    await says(wa, 'Anyone there?');
    const c = await conversationOf(wa);
    expect(c.unread_count).toBe(1);
    const r = await s.api(`/v1/conversations/${c.id}/read`, { method: 'POST' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.unread_count).toBe(0);
    await drain();
    const phone = await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json();
    const list = Array.isArray(phone) ? phone : (phone.data ?? phone.messages);
    // The phone's view: 'out' is what the customer wrote.
    const inbound = list.filter((m: any) => m.direction === 'out');
    expect(inbound.length).toBeGreaterThan(0);
    expect(inbound.every((m: any) => m.status === 'read')).toBe(true);
  });

  it('assign, filters, close and reopen, notes', async () => {
    const wa = newCustomer();
    await says(wa, 'I need help with my order');
    const c = await conversationOf(wa);
    const owner = await demoOwner(s);
    const agent = await userWithRole(s, owner, 'agent');

    expect((await s.api(`/v1/conversations/${c.id}/assign`, { body: { assignee: 'usr_01aaaaaaaaaaaaaaaaaaaaaaaa' } })).status).toBe(400);
    const assigned = await s.api(`/v1/conversations/${c.id}/assign`, { body: { assignee: agent.id } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.assigned_to).toBe(agent.id);
    expect((await agent.client.call('/v1/conversations?assigned_to=me')).body.data.map((x: any) => x.id)).toEqual([c.id]);
    expect((await s.api(`/v1/conversations?assigned_to=${agent.id}`)).body.data.map((x: any) => x.id)).toEqual([c.id]);
    expect((await s.api('/v1/conversations?assigned_to=none&limit=100')).body.data.map((x: any) => x.id)).not.toContain(c.id);
    expect((await s.api('/v1/conversations?unread=true&limit=100')).body.data.map((x: any) => x.id)).toContain(c.id);

    const note = await agent.client.call(`/v1/conversations/${c.id}/notes`, { body: { body: 'Customer is a regular; offer free delivery.' } });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body).toMatchObject({ object: 'note', author: agent.id });
    const got = (await s.api(`/v1/conversations/${c.id}`)).body;
    expect(got.notes.map((x: any) => x.body)).toEqual(['Customer is a regular; offer free delivery.']);
    // A note is never sent: the phone has no such message.
    expect(JSON.stringify(await (await fetch(`${s.base}/sandbox/customers/${wa}/messages?phone_number_id=${pnid}`)).json())).not.toContain('free delivery');

    const closed = await s.api(`/v1/conversations/${c.id}/close`, { method: 'POST' });
    expect(closed.body).toMatchObject({ status: 'closed', automation: 'on' });
    expect((await s.api('/v1/conversations?status=closed&limit=100')).body.data.map((x: any) => x.id)).toContain(c.id);
    expect((await s.api(`/v1/conversations/${c.id}/reopen`, { method: 'POST' })).body.status).toBe('open');
    await s.api(`/v1/conversations/${c.id}/close`, { method: 'POST' });
    // The customer writes again: the same conversation, open.
    await says(wa, 'Hello again');
    const again = await conversationOf(wa);
    expect(again).toMatchObject({ id: c.id, status: 'open', assigned_to: agent.id });
    expect((await s.api('/v1/conversations/cnv_01aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });
  it('an expired bill\'s "reply here for a new one" reaches the inbox, and reorder makes the new order', async () => {
    const wa = newCustomer();
    await says(wa, 'I want two chai', 'Ravi');
    const made = await s.api('/v1/orders', {
      body: {
        customer: { wa_id: wa },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 2 }],
        payment: { method: 'payment_link' },
        expires_in: 600,
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await drain();
    clock.advance(601_000);
    await drain();
    expect((await s.api(`/v1/orders/${made.body.id}`)).body).toMatchObject({ status: 'canceled', payment_status: 'expired' });
    const c = await conversationOf(wa);
    await s.api(`/v1/conversations/${c.id}/read`, { method: 'POST' });

    // The customer answers the expiry notice; the shop sees it, unread, in the same thread.
    await says(wa, 'Yes please, a new one');
    const after = await conversationOf(wa);
    expect(after).toMatchObject({ id: c.id, status: 'open', unread_count: 1, last_message: { direction: 'in', preview: 'Yes please, a new one' } });
    const thread = (await s.api(`/v1/conversations/${c.id}/messages?limit=100`)).body.data;
    const texts = thread.map((m: any) => `${m.direction}:${m.content?.text?.body ?? m.type}`);
    expect(texts[0]).toBe('inbound:Yes please, a new one');
    expect(texts.some((t: string) => t.startsWith('outbound:') && /expired\. Reply here/.test(t))).toBe(true);

    // Staff answer with a new order for the same items.
    const again = await s.api(`/v1/orders/${made.body.id}/reorder`, { method: 'POST', body: {} });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body).toMatchObject({ reordered_from: made.body.id, customer: { wa_id: wa } });
  });

  it('two messages written in the same second keep their order when their bodies are applied in reverse', async () => {
    const wa = newCustomer();
    const secret = await whatsappAppSecret(s.ctx, s.ctx.db);
    clock.set(new Date(Math.ceil(clock.now().getTime() / 1000) * 1000 + 100));
    const second = String(Math.floor(clock.now().getTime() / 1000));
    const deliver = async (text: string) => {
      const raw = JSON.stringify(
        messagesBody({
          metadata: { display_phone_number: '1', phone_number_id: pnid },
          contacts: [{ wa_id: wa, profile: { name: 'Tara' } }],
          messages: [{ from: wa, id: `wamid.same-second-${wa}-${text.length}`, timestamp: second, type: 'text', text: { body: text } }],
        }),
      );
      const r = await fetch(`${s.base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(secret, raw) },
        body: raw,
      });
      expect(r.status).toBe(200);
      return (await s.ctx.db.query<{ id: string }>(`select id from whatsapp_inbox where body = $1`, [raw]))[0]!.id;
    };
    const first = await deliver('Is masala chai in stock?');
    clock.advance(300);
    const next = await deliver('And cardamom?');
    // Two workers: the later body is applied first.
    await processInbox(s.ctx, next, 1);
    await processInbox(s.ctx, first, 1);
    const c = await conversationOf(wa);
    expect(c).toMatchObject({ unread_count: 2, last_message: { preview: 'And cardamom?' } });
    await drain();
  });
});
