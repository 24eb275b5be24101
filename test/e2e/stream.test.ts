// GET /v1/stream: a customer's text arrives live (message.received, conversation.updated);
// a stream resumed with Last-Event-ID misses nothing across concurrent changes; a transaction
// that commits late is not skipped (PostgreSQL); two server processes on one PostgreSQL: a
// change made through one reaches a stream connected to the other; the stream ends when its
// session is revoked, its key is revoked or its user's role changes; hostile positions 400.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { newId } from '../../src/domain/ids.ts';
import { openPostgres } from '../../src/platform/store/db.ts';
import { runUntilIdle } from '../support/pay.ts';
import { openStream, type SseClient } from '../support/sse.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';
import { dbKind } from '../support/db.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
const open: SseClient[] = [];
const stream = async (headers: Record<string, string> = { authorization: `Bearer ${s.demoKey}` }) => {
  const c = await openStream(s.base, headers);
  open.push(c);
  return c;
};

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  for (const c of open) c.close();
  await s?.close();
});

let buyer = 0;
const createOrder = async (srv: TestServer = s, key = s.demoKey) => {
  // A customer of its own per order (concurrent first orders of one new customer may 409).
  const wa = `9198${String(process.pid % 1000).padStart(3, '0')}${String(++buyer).padStart(5, '0')}`;
  const r = await srv.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Asha' } }), key });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};

describe('GET /v1/stream', () => {
  it("a customer's text arrives live, with ids and a type only", async () => {
    const c = await stream();
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const r = await fetch(`${s.base}/sandbox/customers/919812300001/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: 'Is the chai fresh?' }, name: 'Ravi' }),
    });
    expect(r.status).toBe(201);
    await runUntilIdle(s, 100);
    const received = await c.waitFor((e) => e.event === 'message.received');
    expect(Object.keys(received.data).sort()).toEqual(['conversation_id', 'customer_id', 'event_id', 'message_id', 'type']);
    expect(received.data.message_id).toMatch(/^msg_/);
    expect(received.id).toMatch(/^\d+-evt_/);
    expect(JSON.stringify(received.data)).not.toContain('chai'); // ids only: never the text
    const updated = await c.waitFor((e) => e.event === 'conversation.updated' && e.data.conversation_id === received.data.conversation_id);
    expect(updated.data).toEqual({ type: 'conversation.updated', conversation_id: received.data.conversation_id });
    // A reply: its delivery status moves (message.status, coalesced per message).
    const sent = await s.api('/v1/messages', { body: { customer: received.data.customer_id, type: 'text', text: { body: 'Yes, this morning.' } } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await runUntilIdle(s, 100);
    const status = await c.waitFor((e) => e.event === 'message.status' && e.data.message_id === sent.body.id);
    expect(status.data).toEqual({ type: 'message.status', message_id: sent.body.id, conversation_id: received.data.conversation_id });
    // Acting on the conversation shows too.
    expect((await s.api(`/v1/conversations/${received.data.conversation_id}/close`, { method: 'POST', body: {} })).status).toBe(200);
    await c.waitFor((e) => e.event === 'conversation.updated' && e.id !== updated.id);
  });

  it('resumes with Last-Event-ID and misses nothing across concurrent changes', async () => {
    const first = await stream();
    const made: string[] = [];
    const burst = async (n: number) => {
      const ids = await Promise.all(Array.from({ length: n }, () => createOrder()));
      made.push(...ids);
    };
    await burst(8);
    await first.waitFor((e) => e.event === 'order.created' && e.data.order_id === made[made.length - 1]);
    // Leave in the middle of a burst, and come back from the last id received.
    const during = burst(12);
    await first.waitFor((e) => e.event === 'order.created' && made.length >= 0 && e.data.order_id !== made[0] && first.events.length > 9);
    first.close();
    const resumeFrom = first.lastId!;
    await during;
    await burst(5);
    const second = await stream({ authorization: `Bearer ${s.demoKey}`, 'last-event-id': resumeFrom });
    for (const id of made) {
      const seen = (e: { event: string; data: any }) => e.event === 'order.created' && e.data.order_id === id;
      if (!first.events.some(seen)) await second.waitFor(seen);
    }
    // Nothing twice: the resumed stream starts after the last position received.
    const ids = [...first.events, ...second.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Positions only grow.
    const positions = second.events.map((e) => e.id!);
    const key = (p: string) => [BigInt(p.split('-')[0]!), p.split('-')[1]!] as const;
    for (let i = 1; i < positions.length; i++) {
      const [a, b] = [key(positions[i - 1]!), key(positions[i]!)];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
    }
  });

  it.skipIf(dbKind !== 'postgres')('a transaction that commits late is delivered, not skipped', async () => {
    const c = await stream();
    const raw = new pg.Client({ connectionString: s.db.url! });
    await raw.connect();
    try {
      // A change that takes its id first and commits last.
      await raw.query('begin');
      const late = newId('evt');
      await raw.query(`insert into events (id, merchant_id, type, source, data, created_at) values ($1, $2, 'order.status_changed', 'api', '{}', now())`, [
        late,
        s.merchantId,
      ]);
      const early = await createOrder();
      await new Promise((r) => setTimeout(r, 400));
      // Held back while the older transaction runs: handing it out would move the position past `late`.
      expect(c.events.some((e) => e.data.order_id === early)).toBe(false);
      await raw.query('commit');
      const a = await c.waitFor((e) => e.data.event_id === late);
      const b = await c.waitFor((e) => e.event === 'order.created' && e.data.order_id === early);
      expect(c.events.indexOf(a)).toBeLessThan(c.events.indexOf(b));
    } finally {
      await raw.end();
    }
  });

  it('ends when its session is revoked, its key is revoked, or its role changes', async () => {
    const owner = await demoOwner(s);
    // Session: signing out ends it.
    const agent = await userWithRole(s, owner, 'agent');
    const bySession = await stream({ cookie: `chatcart_session=${agent.client.cookie}` });
    expect(bySession.status).toBe(200);
    expect((await agent.client.call('/v1/sessions/current', { method: 'DELETE' })).status).toBeLessThan(300);
    await expect(Promise.race([bySession.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 5000))])).resolves.toBe('ended');

    // Role: an admin demoted to agent.
    const admin = await userWithRole(s, owner, 'admin');
    const byRole = await stream({ cookie: `chatcart_session=${admin.client.cookie}` });
    expect(byRole.status).toBe(200);
    expect((await owner.call(`/v1/users/${admin.id}`, { method: 'PATCH', body: { role: 'agent' } })).status).toBe(200);
    await expect(Promise.race([byRole.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 5000))])).resolves.toBe('ended');

    // Key: revoked.
    const k = await s.api('/v1/api-keys', { body: { name: 'stream test' } });
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    const byKey = await stream({ authorization: `Bearer ${k.body.key}` });
    expect(byKey.status).toBe(200);
    expect((await s.api(`/v1/api-keys/${k.body.id}/revoke`, { method: 'POST', body: {} })).status).toBe(200);
    await expect(Promise.race([byKey.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 5000))])).resolves.toBe('ended');
  });

  it('refuses what is not a position, and anyone signed out', async () => {
    for (const bad of ['x', '1-evt_short', "1-'; select 1", '-1-', '99999999999999999999999-']) {
      const c = await openStream(s.base, { authorization: `Bearer ${s.demoKey}`, 'last-event-id': bad });
      expect(c.status, bad).toBe(400);
    }
    expect((await openStream(s.base, {})).status).toBe(401);
  });
});

describe.skipIf(dbKind !== 'postgres')('two server processes on one PostgreSQL', () => {
  it('a change made through node A reaches a stream connected to node B', async () => {
    const dbB = await openPostgres(s.db.url!, { max: 4 });
    const b = await startTestServer({ clock, db: Object.assign(dbB, { url: s.db.url }) });
    try {
      const c = await openStream(b.base, { authorization: `Bearer ${s.demoKey}` });
      expect(c.status).toBe(200);
      await b.ctx.stream!.ready(); // B listens before A changes anything
      const t0 = Date.now();
      const id = await createOrder(s);
      await c.waitFor((e) => e.event === 'order.created' && e.data.order_id === id, 10_000);
      console.log(`stream across nodes: order.created through A seen on B after ${Date.now() - t0} ms`);
      c.close();
    } finally {
      await b.close();
      await dbB.close();
    }
  });
});
