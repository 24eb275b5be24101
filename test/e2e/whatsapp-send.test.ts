// The send job against the local Cloud API double, over real HTTP: an access token that
// stops working mid-run (190) pauses the number and loses nothing; updating the token
// resumes and every message goes out exactly once. Also the 24-hour window, opt-outs,
// Meta's pair limit (131056) and throughput limit (130429), and a status webhook that
// overtakes our own commit of the send.
//
// The sandbox has no control that expires a number's token: our send and the double both
// read whatsapp_numbers.sandbox_access_token, so changing that column changes both sides.
// The expiry is therefore simulated on the wire: while `revoked` is set, the Authorization
// header of our sends is replaced by a token the double does not know, and the double
// answers its real 190.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { textMessage } from '../../src/adapters/whatsapp/message.builders.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { messagesBody } from '../../src/adapters/whatsapp/webhook.schema.test-support.ts';
import { inTransaction } from '../../src/platform/context.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { processInbox } from '../../src/modules/whatsapp/whatsapp.inbound.ts';
import { queueMessage } from '../../src/modules/whatsapp/whatsapp.outbox.ts';
import { PAUSE_RECHECK_MS } from '../../src/modules/whatsapp/whatsapp.send.ts';
import { getNumberByMerchant } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date());
let s: TestServer;
let pnid: string;
let sandboxToken: string;
let secret: string;

// ---- the wire: our sends to the double go through here
type Intercept = (url: string, init: RequestInit | undefined, real: typeof fetch) => Promise<Response>;
const realFetch = globalThis.fetch;
let intercept: Intercept | undefined;
const isOurSend = (url: string, init: RequestInit | undefined) =>
  // Sends use the default Graph version (a current one: v27.0) unless WHATSAPP_GRAPH_VERSION says otherwise.
  url === `${s.base}/sandbox/graph/v27.0/${pnid}/messages` &&
  (init?.method ?? 'GET') === 'POST' &&
  typeof init?.body === 'string' &&
  init.body.includes('"biz_opaque_callback_data":"msg_');
const withToken = (init: RequestInit | undefined, token: string): RequestInit => ({
  ...init,
  headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` },
});

beforeAll(async () => {
  s = await startTestServer({ clock });
  const settings = (await s.api('/v1/settings/whatsapp')).body;
  pnid = settings.phone_number_id;
  sandboxToken = settings.sandbox_access_token;
  secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return intercept && isOurSend(url, init) ? intercept(url, init, realFetch) : realFetch(input, init);
  }) as typeof fetch;
  // Our token bucket reads the manual clock: a high limit keeps it from waiting on a clock that does not move.
  expect((await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 1000 } })).status).toBe(200);
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await s?.close();
});

let nextWa = 0;
const newCustomer = () => `9197${String(process.pid % 1000).padStart(3, '0')}${String(++nextWa).padStart(5, '0')}`;

async function drain() {
  for (let i = 0; i < 100 && (await s.runner.runOnce(100)) > 0; i++);
}
/** Moves the clock on in steps, running whatever becomes due. */
async function settle(ms: number, step = 1_000) {
  await drain();
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await drain();
  }
}

/** The simulated customer writes (opens the 24-hour window); its webhook reaches us and is processed. */
async function customerSays(wa: string, body = 'Hi') {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body } }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await drain();
  const c = (
    await s.ctx.db.query<{ last_inbound_at: Date | null }>(`select last_inbound_at from customers where merchant_id = $1 and wa_id = $2`, [s.merchantId, wa])
  )[0];
  expect(c?.last_inbound_at, 'the customer message reached us').toBeTruthy();
}

async function queueText(wa: string, text: string, o: { essential?: boolean; purpose?: string } = {}) {
  const built = textMessage({ to: wa, body: text });
  if (!built.ok) throw new Error(built.error.message);
  const row = await inTransaction(s.ctx, (tx) =>
    queueMessage(s.ctx, tx, {
      merchantId: s.merchantId,
      waId: wa,
      type: 'text',
      body: built.value,
      purpose: o.purpose ?? 'test',
      essential: o.essential ?? true,
    }),
  );
  return row!.id;
}

const messages = (ids: string[]) => s.ctx.db.query<any>(`select * from whatsapp_messages where id = any($1::text[]) order by id`, [ids]);
const sendJobs = (ids: string[]) => s.ctx.db.query<any>(`select * from jobs where kind = 'whatsapp.send' and payload->>'message_id' = any($1::text[])`, [ids]);
/** What the double accepted for each of our message ids (biz_opaque_callback_data). */
async function acceptedByDouble(ids: string[]): Promise<Map<string, string[]>> {
  const rows = await s.ctx.db.query<{ id: string; wamid: string }>(
    `select body->>'biz_opaque_callback_data' as id, wamid from sandbox_wa_messages where phone_number_id = $1 and direction = 'outbound' and body->>'biz_opaque_callback_data' = any($2::text[])`,
    [pnid, ids],
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r.wamid]);
  return out;
}
const number = async () => (await getNumberByMerchant(s.ctx.db, s.merchantId))!;

describe('an access token that expires mid-run (190)', () => {
  it('pauses the number, keeps every message, and after the token update sends each exactly once', async () => {
    const wa = newCustomer();
    await customerSays(wa, 'Hello, any news on my order?');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await queueText(wa, `Update ${i + 1} of 30`));

    // Part of the run goes out with the good token.
    while ((await messages(ids)).filter((m) => m.status !== 'queued').length < 6) await s.runner.runOnce(3);
    const early = (await messages(ids)).filter((m) => m.wamid !== null).length;
    expect(early).toBeGreaterThanOrEqual(6);
    expect(early).toBeLessThan(30);

    // Meta revokes the token.
    let rejected = 0;
    intercept = (url, init, real) => {
      rejected++;
      return real(url, withToken(init, 'EAAG-revoked-token-000000000000'));
    };
    // Whatever is due next (pacing may have put some sends a few seconds ahead) meets the revoked token.
    for (let i = 0; i < 30 && rejected === 0; i++) await settle(1_000);
    await drain();
    expect(rejected).toBeGreaterThan(0);

    const n = await number();
    expect(n.token_status).toBe('invalid');
    expect((await s.api('/v1/settings/whatsapp')).body.token_status).toBe('invalid');
    const events = await s.ctx.db.query<any>(`select * from events where merchant_id = $1 and type = 'whatsapp.token_invalid'`, [s.merchantId]);
    // However many sends were in flight when the token died, the merchant is told once per pause.
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ phone_number_id: pnid, error: expect.objectContaining({ code: 190 }) });
    let rows = await messages(ids);
    const waiting = rows.filter((m) => m.wamid === null);
    expect(waiting.length).toBe(30 - early);
    expect(waiting.every((m) => m.status === 'queued')).toBe(true);
    expect(rows.some((m) => m.status === 'failed')).toBe(false);
    let jobs = await sendJobs(ids);
    expect(jobs.filter((j) => j.status === 'dead')).toEqual([]);
    const paused = jobs.filter((j) => j.status === 'queued');
    expect(paused.length).toBe(30 - early);
    for (const j of paused) {
      expect(j.last_error).toMatch(/^deferred: /);
      expect(new Date(j.run_at).getTime()).toBeGreaterThan(clock.now().getTime());
    }

    // Waiting does not use up attempts: a recheck while paused sends nothing and kills nothing.
    const calls = rejected;
    await settle(2 * PAUSE_RECHECK_MS, PAUSE_RECHECK_MS / 4);
    expect(rejected).toBe(calls); // paused: not even tried
    jobs = await sendJobs(ids);
    expect(jobs.filter((j) => j.status === 'dead')).toEqual([]);
    expect(jobs.filter((j) => j.status === 'queued').length).toBe(30 - early);
    expect(Math.max(...jobs.filter((j) => j.status === 'queued').map((j) => j.attempts))).toBeLessThanOrEqual(1);

    // The merchant updates the token: the double accepts ours again, and the PATCH resumes the queue at once.
    intercept = undefined;
    const patched = await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { access_token: sandboxToken } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ token_status: 'ok', access_token_set: true });
    jobs = await sendJobs(ids);
    for (const j of jobs.filter((x) => x.status === 'queued')) expect(new Date(j.run_at).getTime()).toBeLessThanOrEqual(clock.now().getTime());

    // Pair limit: 30 messages to one customer are paced by the double (131056), so let time pass.
    for (let i = 0; i < 60 && (await messages(ids)).some((m) => m.wamid === null); i++) await settle(30_000, 2_000);
    await settle(10_000);

    rows = await messages(ids);
    expect(rows.filter((m) => m.wamid === null).map((m) => m.id)).toEqual([]);
    expect(new Set(rows.map((m) => m.wamid)).size).toBe(30);
    expect(rows.filter((m) => !['sent', 'delivered', 'read'].includes(m.status))).toEqual([]);
    const accepted = await acceptedByDouble(ids);
    expect(accepted.size).toBe(30);
    for (const m of rows) expect(accepted.get(m.id), m.id).toEqual([m.wamid]); // exactly once, with the wamid we recorded
    jobs = await sendJobs(ids);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    expect((await number()).token_status).toBe('ok');
    // The conversation shows them all.
    const conv = (await s.api(`/v1/messages?wa_id=${wa}&limit=100`)).body.data as any[];
    expect(conv.filter((m) => m.direction === 'outbound' && m.purpose === 'test')).toHaveLength(30);
  });

  it('a token updated while a send with the old one is in flight is not paused by that send’s 190', async () => {
    const wa = newCustomer();
    await customerSays(wa);
    const id = await queueText(wa, 'Sent across a token update');
    let calls = 0;
    intercept = async (url, init, real) => {
      calls++;
      if (calls > 1) return real(url, init);
      const res = await real(url, withToken(init, 'EAAG-old-token-0000000000000000'));
      // The merchant's PATCH commits while Meta's 190 for the old token is on its way back.
      const patched = await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { access_token: sandboxToken } });
      expect(patched.status).toBe(200);
      return res;
    };
    try {
      await drain();
      await settle(5_000);
    } finally {
      intercept = undefined;
    }
    expect(calls).toBeGreaterThanOrEqual(1);
    expect((await number()).token_status).toBe('ok');
    const [m] = await messages([id]);
    expect(m.status).not.toBe('queued');
    expect(m.wamid).toMatch(/^wamid\./);
    expect((await acceptedByDouble([id])).get(id)).toEqual([m.wamid]);
  });
});

describe('refusals and limits', () => {
  it('window closed and no template: failed with window_closed, visible in the conversation and the events', async () => {
    const wa = newCustomer(); // never wrote
    const id = await queueText(wa, 'Are you there?');
    await drain();
    const [m] = await messages([id]);
    expect(m.status).toBe('failed');
    expect(m.error).toMatchObject({ code: 'window_closed' });
    expect(m.wamid).toBeNull();
    expect((await acceptedByDouble([id])).size).toBe(0); // never sent to Meta
    const conv = (await s.api(`/v1/messages?wa_id=${wa}`)).body.data as any[];
    expect(conv.find((x) => x.id === id)).toMatchObject({ direction: 'outbound', status: 'failed', error: expect.objectContaining({ code: 'window_closed' }) });
    const ev = await s.ctx.db.query<any>(`select * from events where merchant_id = $1 and type = 'message.failed' and data->>'message_id' = $2`, [
      s.merchantId,
      id,
    ]);
    expect(ev).toHaveLength(1);
    expect((await sendJobs([id]))[0].status).toBe('done');
  });

  it('opted-out customer: a non-essential message is skipped, an essential one still goes', async () => {
    const wa = newCustomer();
    await customerSays(wa, 'STOP');
    await settle(5_000);
    const contact = (await s.ctx.db.query<any>(`select * from customers where merchant_id = $1 and wa_id = $2`, [s.merchantId, wa]))[0];
    expect(contact.opted_out_at).toBeTruthy();
    const promo = await queueText(wa, 'Sale! 20% off everything', { essential: false, purpose: 'promotion' });
    const update = await queueText(wa, 'Your order has shipped', { essential: true, purpose: 'update:shipped' });
    await settle(5_000);
    const [p, u] = [(await messages([promo]))[0], (await messages([update]))[0]];
    expect(p.status).toBe('skipped');
    expect(p.error).toMatchObject({ code: 'opted_out' });
    expect(p.wamid).toBeNull();
    expect(['sent', 'delivered', 'read']).toContain(u.status);
    const accepted = await acceptedByDouble([promo, update]);
    expect(accepted.has(promo)).toBe(false);
    expect(accepted.get(update)).toEqual([u.wamid]);
    // The STOP confirmation is itself an essential reply.
    const conv = (await s.api(`/v1/messages?wa_id=${wa}`)).body.data as any[];
    expect(conv.some((m) => m.direction === 'outbound' && JSON.stringify(m.content).includes('no longer get promotional'))).toBe(true);
  });

  it('messages to one customer are paced; 131056 from Meta (pair limit) is retried later and then sent', async () => {
    const wa = newCustomer();
    await customerSays(wa);
    // Twelve at once to one customer: paced on our side, all sent in the end, none refused for good.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await queueText(wa, `Pair ${i + 1}`));
    await drain();
    let rows = await messages(ids);
    expect(rows.filter((m) => m.status === 'queued').length).toBeGreaterThan(0);
    await settle(120_000, 2_000);
    rows = await messages(ids);
    expect(rows.filter((m) => !['sent', 'delivered', 'read'].includes(m.status)).map((m) => [m.id, m.status])).toEqual([]);
    let accepted = await acceptedByDouble(ids);
    for (const m of rows) expect(accepted.get(m.id)).toEqual([m.wamid]);

    // Another sender on the same number used up this customer's pair quota at Meta: ours gets 131056.
    const other = newCustomer();
    await customerSays(other);
    clock.advance(10 * 60_000);
    let refused = 0;
    for (let i = 0; i < 20 && refused === 0; i++) {
      const r = await realFetch(`${s.base}/sandbox/graph/v24.0/${pnid}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandboxToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: other, type: 'text', text: { body: `campaign ${i}` } }),
      });
      if (r.status !== 200) {
        expect((await r.json()).error.code).toBe(131056);
        refused++;
      }
    }
    expect(refused).toBe(1);
    const id = await queueText(other, 'Your order has shipped');
    await s.runner.runOnce(100);
    let [m] = await messages([id]);
    expect(m.status).toBe('queued');
    expect(m.error).toMatchObject({ code: 131056 });
    expect((await sendJobs([id]))[0]).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringContaining('131056') });
    await settle(30_000, 1_000);
    [m] = await messages([id]);
    expect(['sent', 'delivered', 'read']).toContain(m.status);
    accepted = await acceptedByDouble([id]);
    expect(accepted.get(id)).toEqual([m.wamid]);
  });

  it('130429 (throughput): retried later and then sent', async () => {
    const wa = newCustomer();
    await customerSays(wa);
    expect((await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 5 } })).status).toBe(200);
    try {
      // Another sender on the same number uses up this second's throughput at Meta.
      clock.advance(2_000);
      let refused = 0;
      for (let i = 0; i < 10 && refused === 0; i++) {
        const r = await realFetch(`${s.base}/sandbox/graph/v24.0/${pnid}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${sandboxToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ messaging_product: 'whatsapp', to: newCustomer(), type: 'text', text: { body: 'campaign' } }),
        });
        if (r.status !== 200) {
          expect((await r.json()).error.code).toBe(130429);
          refused++;
        }
      }
      expect(refused).toBe(1);
      const id = await queueText(wa, 'Your receipt');
      await s.runner.runOnce(100);
      let [m] = await messages([id]);
      expect(m.status).toBe('queued');
      expect(m.error).toMatchObject({ code: 130429 });
      expect((await sendJobs([id]))[0]).toMatchObject({ status: 'queued', attempts: 1 });
      await settle(10_000, 500);
      [m] = await messages([id]);
      expect(['sent', 'delivered', 'read']).toContain(m.status);
      expect((await acceptedByDouble([id])).get(id)).toEqual([m.wamid]);
    } finally {
      expect((await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 1000 } })).status).toBe(200);
    }
  });
});

describe('statuses that overtake our commit', () => {
  it('a read status processed before the send commits is not turned back into sent', async () => {
    const wa = newCustomer();
    await customerSays(wa);
    const id = await queueText(wa, 'Quick read');
    intercept = async (url, init, real) => {
      const res = await real(url, init);
      const json = await res.clone().json();
      const wamid = json.messages[0].id as string;
      // Meta's status webhook for this message arrives and is processed before our commit of the answer.
      const raw = JSON.stringify(
        messagesBody({
          metadata: { display_phone_number: '1', phone_number_id: pnid },
          statuses: [
            { id: wamid, status: 'read', timestamp: String(Math.floor(clock.now().getTime() / 1000)), recipient_id: wa, biz_opaque_callback_data: id },
          ],
        }),
      );
      const hook = await realFetch(`${s.base}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(secret, raw) },
        body: raw,
      });
      expect(hook.status).toBe(200);
      const inboxId = (await s.ctx.db.query<{ id: string }>(`select id from whatsapp_inbox where body = $1`, [raw]))[0]!.id;
      await processInbox(s.ctx, inboxId, 1);
      return res;
    };
    try {
      await s.runner.runOnce(100);
    } finally {
      intercept = undefined;
    }
    const [m] = await messages([id]);
    expect(m.wamid).toMatch(/^wamid\./);
    expect(m.status).toBe('read');
    expect(m.sent_at).toBeTruthy();
    await settle(5_000);
    expect((await messages([id]))[0].status).toBe('read');
  });
});
