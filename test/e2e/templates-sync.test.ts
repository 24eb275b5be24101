// The merchant's templates kept current (issue 15 item 4): GET /v1/templates serves a stored
// copy, refreshed from the Graph API when stale, and the message_template_status_update
// webhook (emitted by the sandbox when a test sets a template's status) changes a listed
// status through the signed intake; a REJECTED template is no longer offered (GET
// ?status=approved, 422 window_closed) and the sandbox refuses to send it; a redelivered or
// older update changes nothing; hostile payloads are set aside, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let pnid: string;
let waba: string;
let token: string;
let secret: string;
const clock = new ManualClock(new Date());
let n = 0;
const newCustomer = () => `9195${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

async function drain() {
  for (let i = 0; i < 3; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}
async function setStatus(body: Record<string, unknown>) {
  const r = await fetch(`${s.base}/sandbox/graph/templates/${pnid}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}
async function post(body: unknown) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch(`${s.base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(secret, raw) },
    body: raw,
  });
  return r.status;
}
const update = (value: unknown, time?: unknown) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: waba, ...(time === undefined ? {} : { time }), changes: [{ field: 'message_template_status_update', value }] }],
});
const listed = async (name: string, language = 'en_US', q = '') =>
  (await s.api(`/v1/templates${q}`)).body.data.find((t: any) => t.name === name && t.language === language);

beforeAll(async () => {
  s = await startTestServer({ clock });
  const wa = (await s.api('/v1/settings/whatsapp')).body;
  pnid = wa.phone_number_id;
  waba = wa.waba_id;
  token = wa.sandbox_access_token;
  secret = await whatsappAppSecret(s.ctx, s.ctx.db);
});
afterAll(async () => {
  await s?.close();
});

describe('templates kept current', () => {
  it('are stored on the first GET and served from the copy until stale', async () => {
    expect(await listed('order_update')).toMatchObject({ status: 'approved', reason: null, updated_at: expect.any(String) });
    const rows = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from whatsapp_templates where merchant_id = $1`, [s.merchantId]);
    expect(rows[0]!.n).toBeGreaterThan(5);
    // The sandbox's listing changes (a status set without delivering the webhook yet): the copy is served until stale.
    expect((await setStatus({ name: 'payment_reminder', language: 'en', status: 'PAUSED' })).status).toBe(200);
    expect((await listed('payment_reminder', 'en'))?.status).toBe('approved');
    expect((await listed('payment_reminder', 'en', '?refresh=true'))?.status).toBe('paused');
    await drain();
    expect((await setStatus({ name: 'payment_reminder', language: 'en', status: 'APPROVED' })).status).toBe(200);
    await drain();
    expect((await listed('payment_reminder', 'en'))?.status).toBe('approved');
  });

  it('a status update webhook changes the listed status; a REJECTED template is no longer offered', async () => {
    const r = await setStatus({ name: 'order_update', language: 'en_US', status: 'REJECTED', reason: 'INVALID_FORMAT' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const items = await s.ctx.db.query<any>(`select status, note from whatsapp_items where kind = 'template_status' order by created_at desc`);
    expect(items[0]).toMatchObject({ status: 'processed' });
    expect(await listed('order_update')).toMatchObject({ status: 'rejected', reason: 'INVALID_FORMAT' });
    expect(await listed('order_update', 'en_US', '?status=approved')).toBeUndefined();
    expect(await listed('order_update', 'en_GB', '?status=approved')).toMatchObject({ status: 'approved' });

    // Outside the window, 422 window_closed names only approved templates.
    const wa = newCustomer();
    const late = await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'text', text: { body: 'Hello?' } } });
    expect(late.status, JSON.stringify(late.body)).toBe(422);
    expect(late.body.error.code).toBe('window_closed');
    const offered = late.body.error.details.templates.map((t: any) => `${t.name}:${t.language}`);
    expect(offered).toContain('hello_world:en_US');
    expect(offered).toContain('order_update:en_GB');
    expect(offered).not.toContain('order_update:en_US');

    // The sandbox refuses it as Meta does (132001): the message fails.
    const sent = await s.api('/v1/messages', {
      body: { customer: { wa_id: wa }, type: 'template', template: { name: 'order_update', language: 'en_US', parameters: ['A1', 'shipped'] } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await drain();
    const [msg] = await s.ctx.db.query<any>(`select status from whatsapp_messages where id = $1`, [sent.body.id]);
    expect(msg.status).toBe('failed');
  });

  it('a redelivered update is applied once; an older one never turns the status back', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const value = {
      event: 'PAUSED',
      message_template_id: 4242,
      message_template_name: 'cod_confirmation',
      message_template_language: 'en',
      reason: 'LOW_QUALITY',
    };
    for (let i = 0; i < 3; i++) expect(await post(update(value, now))).toBe(200);
    await drain();
    const items = await s.ctx.db.query<any>(
      `select status from whatsapp_items where kind = 'template_status' and item->'update'->>'message_template_name' = 'cod_confirmation'`,
    );
    expect(items).toHaveLength(1);
    expect(await listed('cod_confirmation', 'en')).toMatchObject({ status: 'paused', reason: 'LOW_QUALITY' });
    // An update stamped before the stored one (Meta retries for days) changes nothing.
    expect(await post(update({ ...value, event: 'APPROVED', reason: 'NONE' }, now - 3600))).toBe(200);
    await drain();
    expect(await listed('cod_confirmation', 'en')).toMatchObject({ status: 'paused' });
    // A newer one does.
    expect(await post(update({ ...value, event: 'APPROVED', reason: 'NONE' }, now + 1))).toBe(200);
    await drain();
    expect(await listed('cod_confirmation', 'en')).toMatchObject({ status: 'approved', reason: null });
  });

  it('hostile payloads are set aside, never a crash', async () => {
    const good = { event: 'REJECTED', message_template_id: 1, message_template_name: 'hello_world', message_template_language: 'en_US' };
    const hostile: unknown[] = [
      update(null),
      update('REJECTED'),
      update([good]),
      update({ ...good, event: 42 }),
      update({ ...good, message_template_name: { $ne: null } }),
      update({ ...good, message_template_name: 'x'.repeat(100_000) }),
      update({ ...good, message_template_name: 'nul\u0000name' }),
      update({ ...good, message_template_language: '\ud800' }),
      update({ ...good, message_template_id: 1e308 }),
      update({ ...good, event: "'; drop table whatsapp_templates; --" }, 1),
      update(good, 9e15),
      update(good, -1),
      update(good, 'yesterday'),
      { object: 'whatsapp_business_account', entry: [{ id: 'no-such-waba', changes: [{ field: 'message_template_status_update', value: good }] }] },
      { object: 'whatsapp_business_account', entry: [{ id: { waba }, changes: [{ field: 'message_template_status_update', value: good }] }] },
    ];
    for (const body of hostile) expect([200, 400, 413]).toContain(await post(body));
    await drain();
    const r = await s.api('/v1/templates');
    expect(r.status).toBe(200);
    const hello = r.body.data.find((t: any) => t.name === 'hello_world' && t.language === 'en_US');
    // The far-future and negative times count as now; the injected event text is just a status.
    expect(hello).toBeDefined();
    expect(r.body.data.some((t: any) => t.name.startsWith('nul'))).toBe(false);
    const unfinished = await s.ctx.db.query<any>(`select count(*)::int as n from whatsapp_inbox where status = 'received'`);
    expect(unfinished[0].n).toBe(0);
  });
});
