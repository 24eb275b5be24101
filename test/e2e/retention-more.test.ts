// The retention purge and customer erasure reach what recent features store: the live
// stream's coalesced changes (pruned after a day; a Last-Event-ID behind what was pruned is a
// 410, one after it resumes with nothing missed), the number a checkout-link payer typed
// (cleared after the conversations period, and by erasing that guest), and uploaded media
// (deleted once no message names it and it is old enough; an erased customer's, unless a
// message to someone else names it). ManualClock; the purge runs as the job the hourly
// maintenance queues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { scheduleRetentionPurge } from '../../src/modules/ops/index.ts';
import { expectError } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { openStream, type SseClient } from '../support/sse.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
const wall = new ManualClock(new Date());
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let n = 0;
const newNumber = () => `9193${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 9)]);
const open: SseClient[] = [];

async function drain() {
  for (let i = 0; i < 3; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}

let runs = 0;
/** The retention job, as the hourly maintenance queues it. */
async function purge() {
  await scheduleRetentionPurge(s.ctx, clock.now(), `test:${++runs}`);
  await runUntilIdle(s, 100);
}

async function customerWrites(wa: string, body = 'hello') {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body }, name: 'Ravi' }),
  });
  expect(r.status).toBe(201);
  await drain();
}

async function stream(lastEventId?: string) {
  const c = await openStream(s.base, { authorization: `Bearer ${s.demoKey}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
  open.push(c);
  return c;
}

async function upload() {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'p.png');
  const res = await fetch(`${s.base}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${s.demoKey}` }, body: form });
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body as { id: string; url?: string };
}

async function sendImage(wa: string, uploadId: string) {
  const r = await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { upload_id: uploadId } } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

const uploadIds = async () => (await s.db.query<{ id: string }>('select id from media_uploads where merchant_id = $1', [s.merchantId])).map((r) => r.id);
const customerId = async (wa: string) => (await s.api('/v1/customers?limit=100')).body.data.find((c: any) => c.wa_id === wa).id as string;

beforeAll(async () => {
  s = await startTestServer({ clock, wallClock: wall });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  for (const c of open) c.close();
  await s?.close();
});

describe('stream changes', () => {
  it('are pruned after a day; resuming from behind the pruned horizon is 410, from after it misses nothing', async () => {
    const first = await stream();
    expect(first.status).toBe(200);
    for (let i = 0; i < 250 && first.lastId === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const p0 = first.lastId!;
    expect(p0).toMatch(/^\d+-/);
    first.close();

    const a = newNumber();
    await customerWrites(a, 'first');
    const c1 = await stream(p0);
    const seen = await c1.waitFor((e) => e.event === 'conversation.updated');
    await c1.waitFor((e) => e.event === 'message.received');
    const p1 = c1.lastId!;
    c1.close();
    const conv = seen.data.conversation_id as string;

    clock.advance(25 * HOUR);
    const b = newNumber();
    await customerWrites(b, 'second');
    const kept = await s.db.query<{ subject_id: string }>(`select subject_id from stream_changes where merchant_id = $1 and changed_at >= $2`, [
      s.merchantId,
      new Date(clock.now().getTime() - HOUR),
    ]);
    expect(kept.length).toBeGreaterThan(0);

    await purge();
    const left = await s.db.query<{ subject_id: string; old: boolean }>(
      `select subject_id, changed_at < $2 as old from stream_changes where merchant_id = $1`,
      [s.merchantId, new Date(clock.now().getTime() - 24 * HOUR)],
    );
    expect(left.some((r) => r.subject_id === conv)).toBe(false);
    expect(left.every((r) => !r.old)).toBe(true);
    expect(left.map((r) => r.subject_id).sort()).toEqual(kept.map((r) => r.subject_id).sort());

    // Behind the horizon: a pruned change may lie after it.
    const stale = await s.api('/v1/stream', { headers: { 'last-event-id': p0 } });
    expect(expectError(stale, 410, 'position_expired').details).toMatchObject({ path: 'last-event-id' });
    expectError(await s.api(`/v1/stream?last_event_id=${encodeURIComponent(p0)}`), 410, 'position_expired');
    // After it: nothing was lost; the newer change arrives.
    const resumed = await stream(p1);
    expect(resumed.status).toBe(200);
    const next = await resumed.waitFor((e) => e.event === 'conversation.updated');
    expect(next.data.conversation_id).not.toBe(conv);
    expect(resumed.events.some((e) => e.event === 'conversation.updated' && e.data.conversation_id === conv)).toBe(false);
    resumed.close();
    // A new stream (no Last-Event-ID) starts at the head, whatever was pruned.
    expect((await stream()).status).toBe(200);
    // Idempotent: nothing more to prune.
    const before = (await s.db.query(`select 1 from stream_changes`)).length;
    await purge();
    expect((await s.db.query(`select 1 from stream_changes`)).length).toBe(before);
  });
});

describe('uploads and checkout-link payers', () => {
  let shared: string;
  let erasedWa: string;
  let keptWa: string;
  let sentKept: string;
  let payerOld: string;
  let payerNew: string;
  let guestOrder: string;

  async function checkoutPayer(wa: string) {
    const link = await s.api('/v1/checkout-links', { body: { currency: 'INR', name: 'Workshop', amount: 49900 } });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    wall.advance(HOUR);
    const r = await fetch(link.body.url.replace(s.ctx.publicUrl, s.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'Asha Payer', wa_id: wa, notify: '1', total: '1' }).toString(),
      redirect: 'manual',
    });
    expect(r.status, await r.clone().text()).toBe(303);
    const row = (
      await s.db.query<{ order_id: string; contact_wa_id: string | null }>(
        `select order_id, contact_wa_id from checkout_link_payers where merchant_id = $1 and checkout_link_id = $2`,
        [s.merchantId, link.body.id],
      )
    )[0]!;
    expect(row.contact_wa_id).toBe(wa);
    return row.order_id;
  }
  const contactOf = async (orderId: string) =>
    (await s.db.query<{ c: string | null }>(`select contact_wa_id as c from checkout_link_payers where order_id = $1`, [orderId]))[0]!.c;

  it('an upload no message names is deleted after RETENTION_DAYS_MEDIA; one a message names is kept', async () => {
    keptWa = newNumber();
    erasedWa = newNumber();
    await customerWrites(keptWa);
    await customerWrites(erasedWa);
    const unsent = await upload();
    const sent = await upload();
    sentKept = sent.id;
    await sendImage(keptWa, sent.id);
    const theirs = await upload();
    await sendImage(erasedWa, theirs.id);
    const both = await upload();
    shared = both.id;
    await sendImage(erasedWa, both.id);
    await sendImage(keptWa, both.id);
    await drain();
    payerOld = await checkoutPayer(newNumber());
    const token = (await s.db.query<{ token: string }>(`select token from media_uploads where id = $1`, [unsent.id]))[0]!.token;
    expect((await fetch(`${s.base}/media/${token}`)).status).toBe(200);

    clock.advance(29 * DAY);
    await purge();
    expect(await uploadIds()).toEqual(expect.arrayContaining([unsent.id, sent.id, theirs.id, both.id]));
    clock.advance(2 * DAY);
    await purge();
    const ids = await uploadIds();
    expect(ids).not.toContain(unsent.id);
    expect(ids).toEqual(expect.arrayContaining([sent.id, theirs.id, both.id]));
    expect((await fetch(`${s.base}/media/${token}`)).status).toBe(404);

    // Erasing a customer deletes the media sent to them, except what a message to someone else names.
    await customerWrites(erasedWa, 'please forget me');
    const erase = await s.api(`/v1/customers/${await customerId(erasedWa)}/erase`, { body: {} });
    expect(erase.status, JSON.stringify(erase.body)).toBe(200);
    expect(erase.body.changed).toMatchObject({ media_uploads: 1 });
    const after = await uploadIds();
    expect(after).not.toContain(theirs.id);
    expect(after).toEqual(expect.arrayContaining([sent.id, both.id]));
  });

  it("a checkout-link payer's typed number is cleared after the conversations period, and by erasing that guest", async () => {
    clock.advance(200 * DAY);
    payerNew = await checkoutPayer(newNumber());
    guestOrder = await checkoutPayer(newNumber());
    clock.advance(140 * DAY); // payerOld: 371 days; the others 140
    await purge();
    expect(await contactOf(payerOld)).toBeNull();
    expect(await contactOf(payerNew)).not.toBeNull();
    expect(await contactOf(guestOrder)).not.toBeNull();
    // The order itself stays.
    expect((await s.api(`/v1/orders/${payerOld}`)).status).toBe(200);

    const guest = (await s.api(`/v1/orders/${guestOrder}`)).body.customer.id as string;
    const erase = await s.api(`/v1/customers/${guest}/erase`, { body: {} });
    expect(erase.status, JSON.stringify(erase.body)).toBe(200);
    expect(erase.body.changed).toMatchObject({ checkout_link_payers: 1 });
    expect(await contactOf(guestOrder)).toBeNull();
    expect(await contactOf(payerNew)).not.toBeNull();
  });

  it('an upload goes once the messages naming it are redacted by the conversations period', async () => {
    // 371 days after the sends: their content was redacted by the last purge, the upload is old.
    await purge();
    const ids = await uploadIds();
    expect(ids).not.toContain(sentKept);
    expect(ids).not.toContain(shared);
  });
});
